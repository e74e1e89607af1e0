"""Grading submissions: their jobs on one warm worker, each followed by its trusted stage where its exercise
has one, and each submission's report as soon as its last job ends.

The steps are modules of their own: the settings and cases (`settings`), the reference results
(`references`), the trusted stage (`trusted`), reading back what children wrote (`readback`), each
case's verdict (`judging`) and what a learner is told when a process gave no answer (`crashes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import exercises
from grader.core.case import Case
from grader.core.results import CaseResult, ExerciseResult, Report, shares
from grader.core.submission import Submission
from grader.exercises.contract import Exercise
from grader.grading.judging import judge
from grader.grading.readback import load_errors
from grader.grading.references import references
from grader.grading.settings import Settings, cases_for
from grader.grading.trusted import TrustedStage, keep_trusted, trusted_stage
from grader.runner.jobs import Job, Runner, shared_run, split_failed_load, split_shared_run, split_timed_out_run
from grader.runner.portable import start_worker


def unloadable(path: Path, why: str, settings: Settings) -> Report:
    """The grade of a submission that holds no code to run (`submission.UnloadableSubmission`): every case
    scores 0, saying `why`; nothing runs."""
    results = []
    for module in (exercises.get(name) for name in settings.only):
        cases = cases_for(module, settings)
        results.append(ExerciseResult(module.NAME, [CaseResult(case, share, message=why)
                                                    for case, share in zip(cases, shares(module.POINTS, len(cases)))]))
    return Report(Path(path), settings.public_only, results,
                  [{"where": "file", "type": "UnloadableSubmission", "message": why, "traceback": ""}])


def grade(submission: Submission, settings: Settings, worker: Runner | None = None) -> Report:
    """Grades `submission`: runs its code and the reference's in children, compares in this process."""
    return grade_all([submission], settings, worker)[0]


def grade_all(submissions: list[Submission], settings: Settings, worker: Runner | None = None,
              on_report: Callable[[int, Report], None] | None = None,
              expected: dict[str, Any] | None = None) -> list[Report]:
    """Grades several submissions on the same cases, their jobs sharing one warm worker.

    Args:
        submissions: what to grade.
        settings: cases, limits and where reference results come from.
        worker: a warm worker to use (default: one started and closed here).
        on_report: called with (index, report) as soon as each submission's last job is done.
        expected: reference results already known, by case fingerprint (the rest are looked up).

    Returns:
        One report per submission, in order.
    """
    modules = [exercises.get(name) for name in settings.only]
    own_worker = worker is None
    worker = worker or start_worker(settings.parallel, settings.limits, hide=(settings.cache_dir,
                                    settings.reference_path), fallback=settings.public_only)
    try:
        expected = dict(expected or {})
        expected.update(references(modules, settings, worker, known=expected))
        batch = _Batch(submissions, modules, settings, worker, expected, on_report)
        worker.run(_share_out([[part.job for part in graded.parts] for graded in batch.graded], worker.parallel),
                   on_done=batch.finished)
    finally:
        if own_worker:
            worker.close()
    return [graded.report for graded in batch.graded]


def learner_job(module: Exercise, cases: list[Case], submission: Submission, settings: Settings) -> Job:
    """The job that runs `submission`'s function of `module` on `cases`."""
    return Job(module.NAME, cases, module.SECONDS * settings.limits.time_scale, "learner",
               cells=submission.cells, tolerant=submission.tolerant, cost=module.COST)


def _share_out(submissions: list[list[Job]], parallel: int) -> list[Job]:
    """The processes that run `submissions` (each its exercises' jobs), in the order they start.

    Each submission is one process, but the last `parallel` (all of them for one submission, as `grade`
    or nbgrader) are each split over up to `parallel` processes, which start longest first: so every core
    keeps working until about the same time, where whole submissions would leave cores idle at the end.
    """
    whole = max(len(submissions) - parallel, 0)
    last = [run for jobs in submissions[whole:] for run in _runs(jobs, min(len(jobs), parallel))]
    return [run for jobs in submissions[:whole] for run in _runs(jobs, 1)] + sorted(last, key=lambda run: -run.cost)


def _runs(jobs: list[Job], count: int) -> list[Job]:
    """`jobs` (one submission's exercises) as `count` processes of about equal work (each exercise's
    COST): the costliest go first, each to the process with the least so far; each process runs its
    exercises in the chapter's order."""
    groups: list[list[Job]] = [[] for _ in range(count)]
    for job in sorted(jobs, key=lambda job: -job.cost):
        min(groups, key=lambda group: sum(job.cost for job in group)).append(job)
    order = {id(job): index for index, job in enumerate(jobs)}
    groups = [sorted(group, key=lambda job: order[id(job)]) for group in groups if group]
    return [shared_run(group) if len(group) > 1 else group[0] for group in groups]


@dataclass(eq=False)
class _Graded:
    """One submission while its jobs run."""

    index: int
    submission: Submission
    parts: list[_Part] = field(default_factory=list)  # one per exercise, in order
    pending: int = 0  # its jobs not ended yet: its exercises', and the trusted jobs it has or waits for
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    report: Report | None = None  # once every job has ended


@dataclass(eq=False)
class _Part:
    """One exercise of a submission: its learner job, and the trusted stage on its answers once it has one."""

    module: Exercise
    job: Job
    owner: _Graded
    stage: TrustedStage | None = None


@dataclass(eq=False)
class _Training:
    """A trusted job while it runs: whose answers it trains, and the parts waiting for the same models."""

    stage: TrustedStage
    owner: _Graded  # the submission its time counts for
    waiting: list[_Part] = field(default_factory=list)  # their models' results are in the cache once it ends


class _Batch:
    """`grade_all`'s submissions while their jobs run: which part or training each job is, and what follows
    when it ends (`finished`, the worker's callback). Jobs are told apart by identity (`id`)."""

    def __init__(self, submissions: list[Submission], modules: list[Exercise], settings: Settings, worker: Runner,
                 expected: dict[str, Any], on_report: Callable[[int, Report], None] | None) -> None:
        self.settings, self.worker, self.expected, self.on_report = settings, worker, expected, on_report
        self.graded = [_Graded(index, submission, pending=len(modules)) for index, submission in enumerate(submissions)]
        self.parts: dict[int, _Part] = {}  # by id of its learner job
        for graded in self.graded:
            for module in modules:
                part = _Part(module, learner_job(module, cases_for(module, settings), graded.submission, settings),
                             graded)
                graded.parts.append(part)
                self.parts[id(part.job)] = part
        self.trainings: dict[int, _Training] = {}  # by id of its trusted job, until it ends
        self.training: dict[str, _Training] = {}  # by fingerprint of each trusted case a running job trains

    def finished(self, job: Job) -> list[Job]:
        """What runs next now that `job` has ended; concludes each submission whose last job it was."""
        followups: list[Job] = []
        if job.kind == "trusted":
            training = self.trainings.pop(id(job))
            owner = training.owner
            keep_trusted(training.stage)
            for case in job.cases:
                self.training.pop(case.fingerprint(), None)
            for part in training.waiting:  # their models' results are in the cache now
                part.owner.pending -= 1
                followups += self._trusted_jobs(part)
                if part.owner.pending == 0:
                    self._conclude(part.owner)
        else:
            owner = self.parts[id(job.parts[0] if job.parts else job)].owner
        owner.seconds += job.outcome.get("seconds", 0.0)
        owner.cpu_seconds += job.outcome.get("cpu_seconds", 0.0)
        again: list[Job] = []  # the exercises after one that ran out of time: they run again
        if job.parts and not split_shared_run(job) and not split_failed_load(job, self.settings.limits):
            again = split_timed_out_run(job)
            if again is None:
                self.worker.discard([job])
                return job.parts  # each exercise runs again, alone
        if not job.parts and job.kind == "learner":
            split_failed_load(job, self.settings.limits)  # its message then names the top-level code's limit
        answered = [part for part in job.parts or [job] if all(part is not other for other in again)]
        if job.kind == "learner":
            # The exercises graded by what the grader computes from the answer (a model to train) get
            # that job now, in a process that runs no learner code.
            for part in answered:
                followups += self._trusted_jobs(self.parts[id(part)])
        owner.pending -= len(answered)
        if again:
            followups.append(shared_run(again) if len(again) > 1 else again[0])
        if owner.pending == 0:
            self._conclude(owner)
        return followups

    def _trusted_jobs(self, part: _Part) -> list[Job]:
        """The trusted job on `part`'s answers, if they need one (counted in its submission's `pending`). A
        model a running trusted job trains already waits for its result (in the cache once it ends)."""
        stage = trusted_stage(part.module, part.job, self.settings)
        busy = [self.training[case.fingerprint()] for case in stage.job.cases
                if case.fingerprint() in self.training] if stage and stage.job and stage.cache else []
        if busy:
            busy[0].waiting.append(part)
            part.owner.pending += 1
            return []
        if stage:
            part.stage = stage
        if not (stage and stage.job):
            return []
        training = _Training(stage, part.owner)
        self.trainings[id(stage.job)] = training
        self.training.update((case.fingerprint(), training) for case in stage.job.cases)
        part.owner.pending += 1
        return [stage.job]

    def _conclude(self, graded: _Graded) -> None:
        jobs = [part.job for part in graded.parts]
        results = [judge(part.module, part.job, self.expected, part.stage) for part in graded.parts]
        graded.report = Report(graded.submission.path, self.settings.public_only, results, load_errors(jobs),
                               graded.seconds, graded.cpu_seconds)
        self.worker.discard(jobs + [part.stage.job for part in graded.parts if part.stage and part.stage.job])
        if self.on_report:
            self.on_report(graded.index, graded.report)
