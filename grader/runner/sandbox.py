"""Runs jobs in children of a warm worker process, never in the grader's own process.

A job is one exercise's cases for one piece of code (a submission, or the reference solutions).

The worker runs inside bubblewrap where it can (`bwrap`, Debian's package `bubblewrap`): a read-only
view of the Python environment and the grader package, without the rest of the disk (so without
`solutions/`, the corpus, the reference cache, other submissions, the home directory), without the
network, in its own PID namespace. Each job's child then drops to a user id of its own, so that it can
neither read another job's files nor signal another process (see `grader/runner/worker.py`, `grader/runner/child.py`
and `tests/hostile/README.md`). Where bubblewrap is missing the grader says so once and keeps the other
defences.

Layout of the grader's temporary root (`0711`, owned by the grader):

- `jobs/<id>/` (`0700`, the grader's alone): `job.json` (the inputs, written here), and once the job ran,
  what the worker copied out of the child's work directory after checking it (`case-N.json`,
  `case-N.npz`, `load_errors.json`) and the head of what the child printed (`output.txt`).
- `work/<id>/` (the child's own user, `0700`; a size-limited tmpfs in the sandbox): where the child
  writes its results; `work/<id>/scratch/` is its working directory. Removed once the job is done.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import select
import shutil
import site
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.core import course, kernel, plain
from grader.core.case import Case
from grader.grading.cache import PACKAGE_DIR
from grader.runner import child

GIB = 1024**3
MIB = 1024**2
# Parts of the grader package that hold solution code (corpus variants that pass, worked examples, an
# installed wheel's course files with the reference solutions): hidden from learner code, and left out of
# the learner bundle.
SOLUTION_BEARING = ("corpus", "examples", "instructor")
# Environment variables the worker (and so learner code) may see; everything else is dropped.
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
              "OMP_NUM_THREADS", "MKL_NUM_THREADS")
SANDBOX_MODES = ("auto", "bwrap", "off", "portable")
# What a learner's install (the learner bundle: no solutions) says in place of the warnings below.
LEARNER_NOTE = ("no sandbox here: your code runs as you, with your files and network, as when you run it "
                "yourself (this install holds no solutions, nothing to protect)")
_warned: set[str] = set()


@dataclass
class Limits:
    """What one job may use. Every field is configurable from the command line.

    Attributes:
        time_scale: multiplies each exercise's own time limit (`SECONDS` in its module). Time limits
            count the CPU time of the job's process (its threads included), not the wall clock, so that
            other work on the machine cannot turn a correct submission into a time-out.
        wall_factor: a job is also stopped after this many times its limit in wall-clock time: the
            backstop for code that sleeps or waits, which uses no CPU time.
        load_seconds: the time (CPU) the learner's top-level code (a notebook's cells) may take to
            load, a limit of its own: each exercise's limit counts from the end of loading. Code that
            does not finish loading costs every exercise its points at once, from one attempt.
        memory_bytes: address-space limit of a job's process (TensorFlow alone maps ~1.2 GiB). A job
            cannot start other processes, so this bounds the job's memory.
        output_bytes: the most of a job's printed output that is kept; the rest is read and dropped,
            and the report says how much was cut.
        cell_seconds: a notebook cell that runs longer is stopped and the next cell runs.
        scratch_bytes: the size of the job's writable directory (a tmpfs in the sandbox; without it,
            the largest file the job may write).
        sandbox: "auto" (bubblewrap when it works, else a warning), "bwrap" (required), or "off".
        idle_seconds: a job whose CPU clock stops advancing for this long (code that sleeps or waits) is
            stopped as waiting (`child.IdleClock`), long before the wall-clock backstop; 0: never.
    """

    time_scale: float = 1.0
    wall_factor: float = 5.0
    load_seconds: float = 60.0
    memory_bytes: int = 4 * GIB
    output_bytes: int = 1 * MIB
    cell_seconds: int = 30
    scratch_bytes: int = 256 * MIB
    sandbox: str = "auto"
    idle_seconds: float = 15.0

    def plain(self) -> dict[str, float]:
        return {"memory_bytes": self.memory_bytes, "output_bytes": self.output_bytes,
                "cell_seconds": self.cell_seconds, "scratch_bytes": self.scratch_bytes,
                "wall_factor": self.wall_factor, "load_seconds": self.load_seconds,
                "idle_seconds": self.idle_seconds}

    def wall_seconds(self, seconds: float) -> float:
        """The wall-clock backstop of a limit of `seconds` of CPU time."""
        return seconds * max(self.wall_factor, 1.0)

    def used_up(self, outcome: dict[str, Any], seconds: float) -> bool:
        """True when a job's `outcome` shows its process did use a limit of `seconds`: that much CPU time,
        or its wall-clock backstop. A watchdog's exit code comes from the learner's process, which could
        exit with it of its own accord: it is believed only then."""
        return (outcome.get("cpu_seconds", 0.0) >= seconds
                or outcome.get("seconds", 0.0) >= self.wall_seconds(seconds))


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
    outcome: dict[str, Any] = field(default_factory=dict)
    parts: list[Job] = field(default_factory=list)
    first: int = 0
    section: int | None = None

    def result_path(self, index: int) -> Path:
        return self.dir / f"case-{self.first + index}.json"


def shared_run(parts: list[Job]) -> Job:
    """One job that runs `parts`, the same code's jobs for several exercises, in one process.

    The code loads and TensorFlow starts once instead of once per exercise. Inside, each part keeps
    its own time limit, counted as if it ran alone (`child.run_parts`); the run's limit is their sum.
    """
    head = parts[0]
    return Job(f"{len(parts)}-exercises", [case for part in parts for case in part.cases],
               sum(part.timeout for part in parts), head.kind, cells=head.cells, tolerant=head.tolerant,
               reference_path=head.reference_path, parts=parts)


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
    announced = _announced_digests(run)
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
    would have had alone (`grading._no_answer`), naming the load limit when the code ran into it.
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
    announced = _announced_digests(run)
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


def _announced_digests(run: Job) -> dict[int, str]:
    """Each section's first announced digest in a shared run's output: later ones may be forged."""
    try:
        output = (run.dir / "output.txt").read_bytes()
    except OSError:
        return {}
    announced: dict[int, str] = {}
    for match in _SECTION_LINE.finditer(output):
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


def _ran_out_of_its_time(job: Job, limits: Limits) -> bool:
    """True when the child's own watchdog ended it at its exercise's limit (JOB_TIMEOUT_EXIT), counted from
    the end of loading, before the worker's backstop (`process_seconds`) came; believed once the process
    used that time (`Limits.used_up`: counted from the fork, loading only adds to it)."""
    return job.outcome.get("exit_code") == child.JOB_TIMEOUT_EXIT and limits.used_up(job.outcome, job.timeout)


class WorkerError(RuntimeError):
    """The worker process could not start, or kept dying."""


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None."""
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)),
                                         None)


def warn_once(key: str, message: str) -> None:
    """Prints `message` on stderr the first time `key` is seen in this process."""
    if key not in _warned:
        _warned.add(key)
        print(f"grader: {message}", file=sys.stderr, flush=True)


def learner_note() -> bool:
    """In a learner's install, says LEARNER_NOTE once (on stdout in a notebook, where stderr looks like an
    error; stderr elsewhere, away from the report); True there, False in an instructor's install."""
    if not course.learner_install():
        return False
    if "learner" not in _warned:
        _warned.add("learner")
        print(f"grader: {LEARNER_NOTE}", file=sys.stdout if kernel.in_notebook() else sys.stderr, flush=True)
    return True


def _bootstrap(module: str = "grader.runner.worker") -> str:
    # Registers this very grader package (wherever it lives) without putting its parent directory on
    # sys.path, then runs `module` as __main__ (so `grader.platforms.notebook.inside_grader()` sees it).
    return ("import importlib.util, runpy, sys\n"
            f"p = {str(PACKAGE_DIR)!r}\n"
            "s = importlib.util.spec_from_file_location('grader', p + '/__init__.py', "
            "submodule_search_locations=[p])\n"
            "m = importlib.util.module_from_spec(s); sys.modules['grader'] = m; s.loader.exec_module(m)\n"
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n")


def _environment_roots() -> list[Path]:
    """Directories of the Python environment the worker needs, read-only in the sandbox."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))), *site.getsitepackages()}
    found = [Path("/usr")]
    for root in sorted((Path(r).resolve() for r in roots), key=lambda p: len(str(p))):
        if root.is_dir() and root != Path("/") and not any(root.is_relative_to(p) for p in found):
            found.append(root)
    return found[1:]


def bwrap_command(root: Path, hide: tuple[Path, ...] = (), scratch_bytes: int = 256 * MIB) -> list[str]:
    """The bubblewrap command line that runs the worker (before its own arguments)."""
    args = [bwrap_path() or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grader",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind-try", "/sys", "/sys"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             "--perms", "0755", "--tmpfs", "/dev/shm"]
    bound = [Path("/usr"), *_environment_roots(), PACKAGE_DIR]
    made: set[Path] = set()
    for path in bound[1:]:
        # bwrap would make the missing parents 0700, which the job's user could not cross.
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made and not any(parent.is_relative_to(b) for b in bound):
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    # What a learner could copy from, inside what is bound: solution-bearing parts of the package, and
    # whatever the caller hides (the reference cache, the reference solutions), when they lie inside.
    hidden = [PACKAGE_DIR / name for name in SOLUTION_BEARING] + [Path(p).resolve() for p in hide]
    hidden += [PACKAGE_DIR.parent / name for name in ("solutions", "source", "tests")]  # a checkout under /usr
    for path in hidden:
        if path.exists() and any(path.is_relative_to(b) for b in bound):
            args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    args += ["--bind", str(root), str(root), "--chdir", str(root)]
    return args


_sandbox_checked: dict[str, str] = {}


def _sandbox_works(root: Path) -> str:
    """'' when bubblewrap can run a program here (checked once per process), else why not."""
    key = bwrap_path() or ""
    if key not in _sandbox_checked:
        try:
            done = subprocess.run([*bwrap_command(root), "--", "/usr/bin/env", "true"], capture_output=True,
                                  timeout=30, stdin=subprocess.DEVNULL)
            why = "" if done.returncode == 0 else done.stderr.decode(errors="replace").strip()[-300:]
        except (OSError, subprocess.TimeoutExpired) as error:
            why = str(error)
        _sandbox_checked[key] = why or ""
    return _sandbox_checked[key]


def choose_isolation(mode: str, root: Path) -> str:
    """'bwrap' or 'none' for sandbox `mode`; says once per process, on stderr, why it is 'none'.

    Raises:
        WorkerError: `mode` is "bwrap" and bubblewrap cannot run here.
    """
    if mode == "off":
        if learner_note():
            return "none"
        warn_once("sandbox-off", "the sandbox is off (--no-sandbox): learner code can read the disk "
                  "(solutions included) and use the network")
        return "none"
    why = "bubblewrap (bwrap) is not installed" if not bwrap_path() else _sandbox_works(root)
    if not why:
        return "bwrap"
    if mode == "bwrap":
        raise WorkerError(f"the sandbox was required but cannot run: {why}")
    if learner_note():
        return "none"
    warn_once("sandbox-missing", f"running without the sandbox ({why}): learner code can read the disk "
              "(solutions included) and use the network. Install bubblewrap (apt-get install bubblewrap) to "
              "isolate it; the other defences stay on")
    return "none"


class Worker:
    """The grader's end of a warm `grader.runner.worker` process (whose end is `grader.runner.worker.JobHost`), and the
    jobs it runs, `parallel` at a time.

    Args:
        parallel: jobs run side by side.
        limits: what each job may use, and whether to sandbox.
        hide: paths that learner code must not see even where they fall inside the sandbox's view
            (the reference cache, the reference solutions).
    """

    # A worker that dies while running jobs is restarted and its jobs run again, each alone; a job
    # that is running when the worker dies a second time gets `worker_died` as its outcome.
    RESTARTS = 8

    def __init__(self, parallel: int = 2, limits: Limits | None = None, hide: tuple[Path, ...] = ()) -> None:
        self.parallel = max(1, parallel)
        self.limits = limits or Limits()
        if self.limits.sandbox not in SANDBOX_MODES:
            raise ValueError(f"sandbox must be one of {', '.join(SANDBOX_MODES)}")
        self.hide = tuple(Path(p) for p in hide)
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self.root.chmod(0o711)
        for name, mode in (("jobs", 0o700), ("work", 0o711), ("home", 0o700)):
            (self.root / name).mkdir(mode=mode)
        self._count = 0
        self.job_uids: list[int] = []  # the user id each finished job ran as (none without root)
        self._log = open(self.root / "worker.log", "wb")  # noqa: SIM115 - closed in close()
        self.process: subprocess.Popen | None = None
        self.isolation = choose_isolation(self.limits.sandbox, self.root)
        self._start()

    def _start(self) -> None:
        config = {"root": str(self.root), "output_bytes": self.limits.output_bytes,
                  "scratch_bytes": self.limits.scratch_bytes, "drop": os.geteuid() == 0,
                  "mount": self.isolation == "bwrap" and os.geteuid() == 0}
        command = [sys.executable, "-I", "-B", "-c", _bootstrap(), json.dumps(config)]
        if self.isolation == "bwrap":
            command = [*bwrap_command(self.root, self.hide, self.limits.scratch_bytes), "--", *command]
        env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
        home = "/tmp" if self.isolation == "bwrap" else str(self.root / "home")
        env.update(child.TENSORFLOW_ENV)
        env.update(MPLBACKEND="Agg", HOME=home,
                   KERAS_HOME=f"{home}/.keras", MPLCONFIGDIR=f"{home}/.matplotlib",
                   PATH=env.get("PATH", "/usr/bin:/bin"))
        self._buffer = b""
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, cwd=self.root, env=env,
            bufsize=0)
        ready = self._readline(300)
        if not ready:
            raise WorkerError(f"the grading worker failed to start: {self._tail_log()}")

    def run(self, jobs: list[Job], on_done: Callable[[Job], list[Job] | None] | None = None) -> None:
        """Runs `jobs`, filling each one's `dir` and `outcome`; survives the worker's death.

        Args:
            jobs: what to run, started in order, `parallel` at a time.
            on_done: called with each job as soon as its outcome is known; the jobs it returns (if any)
                run next.
        """
        pending = list(jobs)
        by_id: dict[str, Job] = {}
        retried: set[int] = set()
        restarts = 0

        def done(job: Job) -> None:
            more = on_done(job) if on_done else None
            pending[0:0] = more or []

        def room_for(job: Job) -> bool:
            if not by_id:
                return True
            alone = id(job) in retried or any(id(other) in retried for other in by_id.values())
            return len(by_id) < self.parallel and not alone

        def start_what_fits() -> None:
            while pending and room_for(pending[0]):
                job_id = self._submit(pending[0])  # a job leaves `pending` only once the worker has it
                by_id[job_id] = pending.pop(0)

        while pending or by_id:
            try:
                start_what_fits()
                wait = max(self.limits.wall_seconds(job.timeout) for job in by_id.values()) + 60
                line = self._readline(wait)
            except (BrokenPipeError, OSError):
                line = ""
            if line is None or not line:
                # The worker died (or hung past every deadline): its running jobs run again, alone.
                self._kill_worker()
                restarts += 1
                if restarts > self.RESTARTS:
                    raise WorkerError(f"the grading worker kept dying: {self._tail_log()}")
                for job in by_id.values():
                    if id(job) in retried:
                        job.outcome = {"worker_died": True, "memory_bytes": self.limits.memory_bytes}
                        done(job)
                    else:
                        retried.add(id(job))
                        pending.insert(0, job)
                by_id.clear()
                self._start()
                continue
            try:
                report = json.loads(line)
                job = by_id.pop(report["id"])
            except (ValueError, KeyError, TypeError):
                continue
            job.outcome = {**report, "memory_bytes": self.limits.memory_bytes}
            if _ran_out_of_its_time(job, self.limits):
                job.outcome["timed_out"] = True
            if isinstance(report.get("uid"), int):
                self.job_uids.append(report["uid"])
            try:
                start_what_fits()  # the next job starts before the grader reads this one's results
            except (BrokenPipeError, OSError):
                pass  # the worker is gone: the next read says so
            done(job)

    @property
    def jobs_started(self) -> int:
        """How many jobs (processes) this worker has started."""
        return self._count

    def discard(self, jobs: list[Job]) -> None:
        """Removes finished jobs' directories: a long batch keeps only what is still running."""
        for job in jobs:
            if job.dir is not None:
                _remove_tree(job.dir)

    def _readline(self, timeout: float) -> str | None:
        """A line from the worker, '' at its end, None when nothing came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(remaining, 0))
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return ""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode("utf-8", errors="replace") + "\n"

    def _submit(self, job: Job) -> str:
        self._count += 1
        job_id = f"{self._count:04d}-{job.kind}-{job.exercise}"
        job.dir = self.root / "jobs" / job_id
        job.outcome = {}
        job.dir.mkdir(mode=0o700)
        plain.dump(job_data(job, self.limits), job.dir / "job.json")
        line = {"id": job_id, "dir": str(job.dir), "work": str(self.root / "work" / job_id),
                "timeout": process_seconds(job, self.limits),
                "wall_timeout": self.limits.wall_seconds(process_seconds(job, self.limits)),
                "idle_timeout": self.limits.idle_seconds, "cases": len(job.cases)}
        self.process.stdin.write((json.dumps(line) + "\n").encode())
        return job_id

    def _tail_log(self) -> str:
        self._log.flush()
        return (self.root / "worker.log").read_text(errors="replace")[-2000:]

    def _kill_worker(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
        if self.process:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        _remove_tree(self.root)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remove_tree(root: Path) -> None:
    # Work directories may still be tmpfs mount points (only inside the sandbox, which is gone by now).
    for _ in range(3):
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(0.1)


def read_output(job: Job, limit: int = 4000) -> str:
    """The head of what the job's code printed, with a note when it was cut.

    A part of a shared run gets what the code printed while loading, then in its own section.
    """
    path = job.dir / "output.txt"
    try:
        kept_output = path.read_bytes()  # at most Limits.output_bytes
    except OSError:
        return ""
    shown = kept_output if job.section is None else _section(kept_output, job.section)
    text = fold_library_logs(shown.decode("utf-8", errors="replace"))
    head = text.encode()[:limit]
    more = len(text.encode()) - len(head)
    text = head.decode("utf-8", errors="ignore")
    total = max(int(job.outcome.get("output_bytes", len(kept_output)) or 0), len(kept_output))
    discarded = total - len(kept_output) if job.section is None else 0
    if more or discarded:
        note = f"\n[... {more + discarded} more bytes not shown"
        if discarded:
            note += f"; output is capped at {len(kept_output)} bytes per exercise and the rest was discarded"
        text += note + "]"
    return text


# Lines that TensorFlow, Keras' backend and absl log on their own (Python's logging and the C++ log format):
# a retracing warning is about 600 characters, and says nothing about the learner's answer.
_LIBRARY_LOG = re.compile(r"^(?:(?:WARNING|INFO|ERROR):(?:tensorflow|absl):|[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ |"
                          r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] (?:tensorflow|external|xla)/)")


def fold_library_logs(text: str) -> str:
    """`text` with the libraries' own log lines folded into one line that counts them, where the first was;
    every other line (what the learner's code printed) stays as it was."""
    lines, folded, at = [], 0, -1
    for line in text.split("\n"):
        if _LIBRARY_LOG.match(line):
            folded += 1
            if at < 0:
                at = len(lines)
                lines.append("")
        else:
            lines.append(line)
    if folded:
        lines[at] = f"[{folded} TensorFlow/absl log line{'s' if folded > 1 else ''} not shown]"
    return "\n".join(lines)


def _section(output: bytes, index: int) -> bytes:
    """What was printed while loading, then in section `index`, of a shared run's output."""
    pieces = _SECTION_LINE.split(output)
    loading = pieces[0]
    sections = {number: text for number, _, text in zip(pieces[1::3], pieces[2::3], pieces[3::3])}
    return loading + sections.get(str(index).encode(), b"")


_SECTION_LINE = re.compile(rb"\n" + re.escape(child.SECTION_MARK.encode()) + rb" (\d+)\] ([0-9a-f]{64})\n")
