"""Grading one submission: cases, reference results, the learner's run, and each case's verdict."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from grader import exercises, plain
from grader.cache import ReferenceCache, code_digest, default_cache_dir, shipped
from grader.case import Case
from grader.child import LOAD_ERRORS
from grader.feedback import Crash, Failure, explain_error
from grader.sandbox import Job, Limits, Worker, read_output
from grader.submission import Submission

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_REFERENCE = PACKAGE_DIR.parent / "solutions" / "optimization.py"


@dataclass
class Settings:
    """How to grade: which cases, limits, where references come from and are kept."""

    seed: int = 0
    public_only: bool = False
    only: tuple[str, ...] = exercises.NAMES
    limits: Limits = field(default_factory=Limits)
    cache_dir: Path = field(default_factory=default_cache_dir)
    reference_path: Path = DEFAULT_REFERENCE
    parallel: int = 2


@dataclass
class CaseResult:
    """The verdict on one case."""

    case: Case
    max_score: float
    passed: bool = False
    message: str = ""
    hint: str = ""
    got: Any = None  # the learner's answer as plain data, when there was one (for pictures)
    expected: Any = None  # the reference's answer

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0


@dataclass
class ExerciseResult:
    """The verdicts on one exercise's cases, and what its code printed."""

    name: str
    cases: list[CaseResult]
    output: str = ""
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(case.score for case in self.cases)

    @property
    def max_score(self) -> float:
        return sum(case.max_score for case in self.cases)


@dataclass
class Report:
    """A whole submission's grade."""

    path: Path
    seed: int
    public_only: bool
    exercises: list[ExerciseResult]
    load_errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)


def cases_for(module: ModuleType, settings: Settings) -> list[Case]:
    """The exercise's cases for this run: public ones only for a learner's check."""
    return [c for c in module.cases(settings.seed) if c.public or not settings.public_only]


def grade(submission: Submission, settings: Settings, worker: Worker | None = None) -> Report:
    """Grades `submission`: runs its code and the reference's in children, compares in this process."""
    return grade_all([submission], settings, worker)[0]


def grade_all(submissions: list[Submission], settings: Settings, worker: Worker | None = None
              ) -> list[Report]:
    """Grades several submissions on the same cases, their jobs sharing one warm worker."""
    started = time.monotonic()
    modules = [exercises.get(name) for name in settings.only]
    own_worker = worker is None
    worker = worker or Worker(settings.parallel, settings.limits)
    try:
        case_lists = {m.NAME: cases_for(m, settings) for m in modules}
        expected, reference_jobs = _known_references(modules, case_lists, settings)
        learner_jobs = [[_learner_job(m, case_lists[m.NAME], s, settings) for m in modules]
                        for s in submissions]
        worker.run(reference_jobs + [job for jobs in learner_jobs for job in jobs])
        _collect_references(reference_jobs, expected, settings)
        reports = []
        for submission, jobs in zip(submissions, learner_jobs):
            results = [_judge(m, job, expected) for m, job in zip(modules, jobs)]
            reports.append(Report(submission.path, settings.seed, settings.public_only, results,
                                  _load_errors(jobs), time.monotonic() - started))
    finally:
        if own_worker:
            worker.close()
    return reports


def _known_references(modules: list[ModuleType], case_lists: dict[str, list[Case]], settings: Settings
                      ) -> tuple[dict[str, Any], list[Job]]:
    """Expected results already known (shipped for public cases, or cached), and jobs for the rest."""
    expected: dict[str, Any] = {}
    jobs = []
    cache = ReferenceCache(settings.cache_dir)
    for module in modules:
        missing = []
        for case in case_lists[module.NAME]:
            found = shipped(case) if case.public else None
            if found is None and not settings.public_only:
                found = cache.get(case, code_digest(settings.reference_path, module.NAME))
            if found is None:
                missing.append(case)
            else:
                expected[case.fingerprint()] = found
        if missing and settings.public_only:
            raise FileNotFoundError(f"the expected results of {module.NAME}'s public cases are missing from "
                                    "the package; reinstall it, or run `grader expected` in the repository")
        if missing:
            if not settings.reference_path.exists():
                raise FileNotFoundError(
                    f"no expected results for {len(missing)} case(s) of {module.NAME}, and no reference "
                    f"solutions at {settings.reference_path} to compute them (pass --solutions PATH)")
            jobs.append(_reference_job(module, missing, settings))
    return expected, jobs


def _reference_job(module: ModuleType, cases: list[Case], settings: Settings) -> Job:
    # The reference gets 4x the learner's time: it must never be the one that times out.
    return Job(module.NAME, cases, 4 * module.SECONDS * settings.limits.time_scale, "reference",
               reference_path=str(settings.reference_path))


def reference_results(cases: list[Case], reference_path: Path) -> list[Any]:
    """Runs the reference solutions on `cases` (no cache), in order."""
    settings = Settings(reference_path=reference_path)
    jobs = [_reference_job(exercises.get(name), [c for c in cases if c.exercise == name], settings)
            for name in exercises.NAMES if any(c.exercise == name for c in cases)]
    expected: dict[str, Any] = {}
    with Worker(settings.parallel, settings.limits) as worker:
        worker.run(jobs)
        for job in jobs:
            for index, case in enumerate(job.cases):
                expected[case.fingerprint()] = _reference_answer(job, index, case)
    return [expected[case.fingerprint()] for case in cases]


def _reference_answer(job: Job, index: int, case: Case) -> Any:
    result = _read_result(job, index)
    if not result.get("ok"):
        raise RuntimeError(f"the reference solution failed on {case.test_name}: {result}\n{read_output(job)}")
    return result["data"]


def _collect_references(jobs: list[Job], expected: dict[str, Any], settings: Settings) -> None:
    cache = ReferenceCache(settings.cache_dir)
    for job in jobs:
        code = code_digest(settings.reference_path, job.exercise)
        for index, case in enumerate(job.cases):
            answer = _reference_answer(job, index, case)
            cache.put(case, code, answer)
            expected[case.fingerprint()] = answer


def _learner_job(module: ModuleType, cases: list[Case], submission: Submission, settings: Settings) -> Job:
    return Job(module.NAME, cases, module.SECONDS * settings.limits.time_scale, "learner",
               cells=submission.cells, tolerant=submission.tolerant)


def _read_result(job: Job, index: int) -> dict[str, Any]:
    path = job.result_path(index)
    if not path.exists():
        return {"ok": False, "missing": True}
    try:
        result = plain.load(path)
    except (ValueError, OSError) as error:
        return {"ok": False, "error": {"type": "UnreadableResult", "message": str(error)}}
    return result if isinstance(result, dict) else {"ok": False, "error": {"type": "UnreadableResult",
                                                                            "message": "not a result"}}


def _judge(module: ModuleType, job: Job, expected: dict[str, Any]) -> ExerciseResult:
    share = module.POINTS / len(job.cases)
    verdicts = []
    for index, case in enumerate(job.cases):
        result = _read_result(job, index)
        verdict = CaseResult(case, share, got=result.get("data"), expected=expected[case.fingerprint()])
        try:
            _verify(module, job, result, case, verdict.expected)
            verdict.passed = True
        except Failure as failure:
            verdict.message, verdict.hint = failure.message, failure.hint
        except Exception as error:  # noqa: BLE001 - an answer we cannot read is a wrong answer, not a crash
            verdict.message = f"the answer could not be read ({type(error).__name__}: {error})"
            verdict.hint = f"return what the docstring of {module.NAME} describes"
        verdicts.append(verdict)
    return ExerciseResult(module.NAME, verdicts, read_output(job), job.outcome.get("seconds", 0.0))


def _verify(module: ModuleType, job: Job, result: dict[str, Any], case: Case, expected: Any) -> None:
    """Returns when the learner's result passes `module.check`; raises Failure otherwise."""
    if result.get("missing"):
        raise _no_answer(job)
    if not result.get("ok"):
        error = result.get("error") or {}
        raise Crash(f"{error.get('type', 'Error')}: {error.get('message', '')}".strip(),
                    explain_error(error, module.NAME))
    module.check(case, result["data"], expected)


def _no_answer(job: Job) -> Crash:
    outcome = job.outcome
    if outcome.get("timed_out"):
        return Crash(f"no answer within {job.timeout:g} s, the time limit of {job.exercise}",
                     "look for a loop that never ends, or far more training than the case asks for")
    if "signal" in outcome:
        return Crash(f"the process running {job.exercise} died ({outcome['signal']}) before answering",
                     "a crash in native code, or memory past the limit: check array sizes and recursion")
    return Crash(f"the process running {job.exercise} ended (exit code {outcome.get('exit_code')}) before "
                 "answering", "do not call sys.exit, exit() or os._exit in a submission")


def _load_errors(jobs: list[Job]) -> list[dict[str, str]]:
    for job in jobs:
        path = job.dir / LOAD_ERRORS
        if path.exists():
            try:
                errors = plain.load(path)
                return errors if isinstance(errors, list) else []
            except (ValueError, OSError):
                return []
    return []
