"""Jobs, their outcomes, the shared-run policy, and the Protocol both runners implement.

A job is one exercise's cases for one piece of code (a submission, the reference solutions, or the
grader's trusted stage). A runner (`Runner`: the Linux worker client in grader/runner/sandbox.py, or the
portable runner in grader/runner/portable.py) runs jobs and fills each one's `dir` and `outcome`.

A shared run (`shared_run`) loads one submission's code once for several exercises; the `split_*`
functions decide, from how it ended, which of its results stand and which exercises run again.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypedDict

from grader.core.case import Case
from grader.core.limits import Limits
from grader.runner import child


class WorkerError(RuntimeError):
    """The worker process could not start, or kept dying."""


class JobOutcome(TypedDict, total=False):
    """How a job's process ended, as its runner reports it (every key is optional: a job that never
    started has none). Fields that come from the learner's process (`exit_code`, an announcement) are
    believed only as far as `Limits.used_up` and the `split_*` functions say."""

    id: str  # the Linux worker's name for the job
    seconds: float  # wall-clock time
    cpu_seconds: float  # CPU time, the one the limits count
    timed_out: bool
    exit_code: int
    signal: str  # the signal that ended it (SIGKILL, ...)
    output_bytes: int  # everything it printed, kept or not
    max_rss_kib: int
    uid: int  # the user id it ran as (the Linux worker as root)
    idle_seconds: float  # set when it was stopped as waiting: how long its CPU clock stood still
    memory_bytes: int | None  # its memory limit, None where the system offers none
    setup_error: str  # the runner could not start it
    worker_died: bool  # the Linux worker died twice while it ran
    load_failed: bool  # the code did not finish loading (`split_failed_load`)
    load_timed_out: bool  # ... because it ran out of its load limit
    load_limit: float  # that limit, in CPU seconds


@dataclass
class Job:
    """One exercise's cases run by one piece of code; or, with `parts`, several exercises' in one process.

    A shared run loads the code once and runs each part's jobs in turn (see `shared_run`). Once it
    ended cleanly, each part reads its results from the shared run's directory, starting at `first`,
    and its own section of the output (`section`).
    """

    exercise: str
    cases: list[Case]
    timeout: float
    kind: str  # "learner", "reference", or "trusted" (the grader's own stage on their answers: no code of theirs)
    cells: list[str] = field(default_factory=list)
    tolerant: bool = False
    reference_path: str = ""
    dir: Path | None = None
    outcome: JobOutcome = field(default_factory=dict)
    parts: list[Job] = field(default_factory=list)
    first: int = 0
    section: int | None = None
    cost: float = 0.0  # its expected CPU seconds (the exercise's COST): how jobs are shared out over processes

    def result_path(self, index: int) -> Path:
        return self.dir / f"case-{self.first + index}.json"


class Runner(Protocol):
    """What grading needs of a runner: the Linux worker client (`sandbox.Worker`) and the portable
    runner (`portable.PortableWorker`) both are one; `portable.start_worker` picks one."""

    parallel: int  # jobs side by side

    @property
    def jobs_started(self) -> int: ...

    def run(self, jobs: list[Job], on_done: Callable[[Job], list[Job] | None] | None = None) -> None:
        """Runs `jobs`, filling each one's `dir` and `outcome`.

        Args:
            jobs: what to run, started in order, `parallel` at a time.
            on_done: called with each job as soon as its outcome is known; the jobs it returns (if any)
                run next.
        """

    def discard(self, jobs: list[Job]) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...


def shared_run(parts: list[Job]) -> Job:
    """One job that runs `parts`, the same code's jobs for several exercises, in one process.

    The code loads and TensorFlow starts once instead of once per exercise. Inside, each part keeps
    its own time limit, counted as if it ran alone (`child.run_parts`); the run's limit is their sum.
    """
    head = parts[0]
    return Job(f"{len(parts)}-exercises", [case for part in parts for case in part.cases],
               sum(part.timeout for part in parts), head.kind, cells=head.cells, tolerant=head.tolerant,
               reference_path=head.reference_path, parts=parts, cost=sum(part.cost for part in parts))

def split_shared_run(run: Job) -> bool:
    """Hands a shared run's results to its parts; False unless it ended cleanly with every result.

    After anything else (a time limit, a crash, an exit, a dead worker) its results are not used: each
    part runs again alone, so that what one exercise's code did costs only that exercise's points.
    """
    outcome = run.outcome
    if outcome.get("exit_code") != 0 or outcome.get("timed_out"):
        return False
    if not all(run.result_path(index).exists() for index in range(len(run.cases))):
        return False
    announced = announced_digests(run)
    starts = [sum(len(part.cases) for part in run.parts[:index]) for index in range(len(run.parts))]
    for section, (part, first) in enumerate(zip(run.parts, starts)):
        if announced.get(section + 1) != child.results_digest(run.dir, range(first, first + len(part.cases))):
            return False  # later code rewrote this part's results (or the announcement was cut)
    for section, (part, first) in enumerate(zip(run.parts, starts)):
        part.dir, part.first, part.section = run.dir, first, section
        part.outcome = {**outcome, "seconds": 0.0, "cpu_seconds": 0.0}  # counted once, on the run
    return True

def split_failed_load(run: Job, limits: Limits) -> bool:
    """Hands the outcome of a learner's run that ended before its code finished loading to each exercise
    it ran (its parts, or itself); False when the code did load (or the run is the reference's).

    The code's top level is the same for every exercise: loaded again, it would fail again (and, if it
    loops, cost its time again). So every exercise gets its 0 from this one attempt, with the message it
    would have had alone (`grading.crashes.no_answer`), naming the load limit when the code ran into it.
    """
    if run.kind != "learner" or run.dir is None or (run.dir / child.LOAD_ERRORS).exists():
        return False
    parts = run.parts or [run]
    load_limit = limits.load_seconds or process_seconds(run, limits)
    outcome = run.outcome
    # The watchdog's exit codes could be the code's own `os._exit(3)`: believed once the limit was used up.
    timed_out = bool(outcome.get("timed_out")) or (
        outcome.get("exit_code") in (child.LOAD_TIMEOUT_EXIT, child.PART_TIMEOUT_EXIT)
        and limits.used_up(outcome, load_limit))
    for part in parts:
        # Results files written while loading come from no exercise's call: none is read (`load_failed`).
        part.dir, part.first, part.section = run.dir, 0, None
        part.outcome = {**outcome, "load_limit": load_limit, "load_failed": True, "load_timed_out": timed_out}
        if part is not run:
            part.outcome.update(seconds=0.0, cpu_seconds=0.0)  # counted once, on the run
    return True

def split_timed_out_run(run: Job) -> list[Job] | None:
    """Hands a learner's shared run that ran out of time in one part its verdicts: the parts before it
    their results, that part its time-out (final, as a failed load is); returns the parts after it, which
    run again. None when the run did not end that way (or it cannot be told which part was running).

    The part that was running is the one whose section was announced last (`child.run_parts` announces
    each before running it). Loading again would not make that part any faster, so its time is paid
    once. The run's exit code and announcements come from the learner's process: a forged time-out or
    announcement can only move that learner's own verdicts, never another's.
    """
    outcome = run.outcome
    if (run.kind != "learner" or not run.parts or run.dir is None or not (run.dir / child.LOAD_ERRORS).exists()
            or not (outcome.get("timed_out") or outcome.get("exit_code") == child.PART_TIMEOUT_EXIT)):
        return None
    try:
        if outcome.get("output_bytes", 0) > (run.dir / "output.txt").stat().st_size:
            return None  # the output was cut: later announcements may be missing
    except OSError:
        return None
    announced = announced_digests(run)
    running = next(index for index in range(len(run.parts) + 1) if index + 1 not in announced)
    if running >= len(run.parts) or 0 not in announced:
        return None
    starts = [sum(len(part.cases) for part in run.parts[:index]) for index in range(len(run.parts))]
    for section in range(running):
        cases = range(starts[section], starts[section] + len(run.parts[section].cases))
        if announced[section + 1] != child.results_digest(run.dir, cases):
            return None  # later code rewrote this part's results
    for section in range(running + 1):
        part = run.parts[section]
        part.dir, part.first, part.section = run.dir, starts[section], section
        part.outcome = {**outcome, "timed_out": True, "seconds": 0.0, "cpu_seconds": 0.0}  # counted on the run
        if section < running:  # it answered every case before the time ran out
            part.outcome = {key: value for key, value in part.outcome.items() if key != "idle_seconds"}
            part.outcome["timed_out"] = False
    return run.parts[running + 1:]


# A shared run's child announces each section (part) it starts, with the digest of the results before it.
SECTION_LINE = re.compile(rb"\n" + re.escape(child.SECTION_MARK.encode()) + rb" (\d+)\] ([0-9a-f]{64})\n")


def announced_digests(run: Job) -> dict[int, str]:
    """Each section's first announced digest in a shared run's output: later ones may be forged."""
    try:
        output = (run.dir / "output.txt").read_bytes()
    except OSError:
        return {}
    announced: dict[int, str] = {}
    for match in SECTION_LINE.finditer(output):
        announced.setdefault(int(match[1]), match[2].decode())
    return announced

def process_seconds(job: Job, limits: Limits) -> float:
    """All the CPU time a job's process may use: its exercises' own limits (`job.timeout`), and for
    learner code its load limit too. The top level (a notebook's cells) has a limit of its own,
    `load_seconds`, which no exercise pays for: the child's watchdog counts each exercise's limit from the
    end of loading, and this total is the worker's (and RLIMIT_CPU's) backstop behind it."""
    return job.timeout + (limits.load_seconds if job.kind == "learner" else 0.0)

def job_data(job: Job, limits: Limits) -> dict[str, Any]:
    """What the child reads of `job` (`job.json`): its code, its cases' inputs, its limits."""
    budget = {"cpu_seconds": process_seconds(job, limits), "seconds": job.timeout}
    data = {"kind": job.kind, "exercise": job.exercise, "cells": job.cells, "tolerant": job.tolerant,
            "reference_path": job.reference_path, "limits": {**limits.plain(), **budget},
            "cases": [case.to_plain() for case in job.cases]}
    if job.parts:
        data["parts"] = [{"exercise": part.exercise, "cases": len(part.cases), "seconds": part.timeout}
                         for part in job.parts]
    if job.kind == "reference":
        # The sandbox hides the solutions: their text travels in the job, which only root can read.
        data["reference_source"] = importlib.util.decode_source(Path(job.reference_path).read_bytes())
    return data

def ran_out_of_its_time(job: Job, limits: Limits) -> bool:
    """True when the child's own watchdog ended it at its exercise's limit (JOB_TIMEOUT_EXIT), counted from
    the end of loading, before the worker's backstop (`process_seconds`) came; believed once the process
    used that time (`Limits.used_up`: counted from the fork, loading only adds to it)."""
    return job.outcome.get("exit_code") == child.JOB_TIMEOUT_EXIT and limits.used_up(job.outcome, job.timeout)
