"""Grading one submission: cases, reference results, the learner's run, and each case's verdict."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from grader import exercises
from grader.core import course, plain
from grader.core.case import TRUSTED, Case
from grader.core.feedback import NOT_ATTEMPTED, Crash, Failure, explain_error
from grader.core.limits import Limits
from grader.core.results import CaseResult, ExerciseResult, Report, shares
from grader.core.submission import Submission
from grader.grading.cache import ReferenceCache, code_digest, default_cache_dir, shipped, version_note
from grader.runner.child import LOAD_ERRORS
from grader.runner.jobs import Job, Runner, shared_run, split_failed_load, split_shared_run, split_timed_out_run
from grader.runner.portable import start_worker
from grader.runner.printed import read_output

DEFAULT_REFERENCE = course.SOLUTIONS
# Jobs side by side: one per core.
DEFAULT_PARALLEL = os.cpu_count() or 2


def seed_from_environment() -> int:
    """The hidden cases' seed when none is given: $GRADER_SEED, else 0 (the one place that reads it)."""
    return int(os.environ.get("GRADER_SEED", 0))


@dataclass
class Settings:
    """How to grade: which cases, limits, where references come from and are kept."""

    seed: int = 0
    public_only: bool = False
    hidden_only: bool = False  # the seed-dependent cases alone (the public ones never change)
    only: tuple[str, ...] = exercises.NAMES
    limits: Limits = field(default_factory=Limits)
    cache_dir: Path = field(default_factory=default_cache_dir)
    reference_path: Path = DEFAULT_REFERENCE
    parallel: int = DEFAULT_PARALLEL


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


def cases_for(module: ModuleType, settings: Settings) -> list[Case]:
    """The exercise's cases for this run: public ones only for a learner's check."""
    return [c for c in module.cases(settings.seed)
            if (c.public or not settings.public_only) and not (c.public and settings.hidden_only)]


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
    reports: list[Report | None] = [None] * len(submissions)
    try:
        expected = dict(expected or {})
        expected.update(references(modules, settings, worker, known=expected))
        jobs = [[_learner_job(m, cases_for(m, settings), s, settings) for m in modules] for s in submissions]
        owner = {id(job): index for index, own in enumerate(jobs) for job in own}
        remaining = [len(own) for own in jobs]
        spent = [0.0] * len(submissions)
        cpu = [0.0] * len(submissions)

        stages: dict[int, TrustedStage] = {}  # by id of the learner's job whose answers they train
        trusted_jobs: dict[int, TrustedStage] = {}  # by id of their job, until it ends
        training: dict[str, Job] = {}  # a trusted case's fingerprint -> the trusted job training it now
        waiting: dict[int, list[Job]] = {}  # by id of a trusted job: learners' jobs whose models it trains

        def trusted_jobs_for(part: Job, index: int) -> list[Job]:
            """The trusted job on `part`'s answers, if they need one (counted in `remaining`). A model a
            running trusted job trains already waits for its result (in the cache once it ends)."""
            stage = trusted_stage(exercises.get(part.exercise), part, settings)
            busy = [training[case.fingerprint()] for case in stage.job.cases
                    if case.fingerprint() in training] if stage and stage.job and stage.cache else []
            if busy:
                waiting.setdefault(id(busy[0]), []).append(part)
                remaining[index] += 1
                return []
            if stage:
                stages[id(part)] = stage
            if not (stage and stage.job):
                return []
            owner[id(stage.job)], trusted_jobs[id(stage.job)] = index, stage
            training.update((case.fingerprint(), stage.job) for case in stage.job.cases)
            remaining[index] += 1
            return [stage.job]

        def conclude(index: int) -> None:
            own = jobs[index]
            results = [_judge(m, part, expected, stages.get(id(part))) for m, part in zip(modules, own)]
            reports[index] = Report(submissions[index].path, settings.public_only, results, _load_errors(own),
                                    spent[index], cpu[index])
            worker.discard(own + [stage.job for stage in map(stages.get, map(id, own)) if stage and stage.job])
            if on_report:
                on_report(index, reports[index])

        def finished(job: Job) -> list[Job]:
            index = owner[id(job.parts[0] if job.parts else job)]
            followups = []
            if job.kind == "trusted":
                keep_trusted(trusted_jobs.pop(id(job)))
                for case in job.cases:
                    training.pop(case.fingerprint(), None)
                for part in waiting.pop(id(job), []):  # their models' results are in the cache now
                    other = owner[id(part)]
                    remaining[other] -= 1
                    followups += trusted_jobs_for(part, other)
                    if remaining[other] == 0:
                        conclude(other)
            spent[index] += job.outcome.get("seconds", 0.0)
            cpu[index] += job.outcome.get("cpu_seconds", 0.0)
            again: list[Job] = []  # the exercises after one that ran out of time: they run again
            if job.parts and not split_shared_run(job) and not split_failed_load(job, settings.limits):
                again = split_timed_out_run(job)
                if again is None:
                    worker.discard([job])
                    return job.parts  # each exercise runs again, alone
            if not job.parts and job.kind == "learner":
                split_failed_load(job, settings.limits)  # its message then names the top-level code's limit
            answered = [part for part in job.parts or [job] if all(part is not other for other in again)]
            if job.kind == "learner":
                # The exercises graded by what the grader computes from the answer (a model to train) get
                # that job now, in a process that runs no learner code.
                for part in answered:
                    followups += trusted_jobs_for(part, index)
            remaining[index] -= len(answered)
            if again:
                followups.append(shared_run(again) if len(again) > 1 else again[0])
            if remaining[index] == 0:
                conclude(index)
            return followups

        # Each submission is one process, but where fewer submissions are left than the worker runs side
        # by side (one submission, as `grade` or nbgrader; a batch's last), their exercises are split
        # over that many processes, so that every core keeps working to the end.
        runs = [run for index, own in enumerate(jobs)
                for run in _runs(own, min(len(own), -(-worker.parallel // (len(jobs) - index))))]
        worker.run(runs, on_done=finished)
    finally:
        if own_worker:
            worker.close()
    return reports


def _runs(jobs: list[Job], count: int) -> list[Job]:
    """`jobs` (one submission's exercises) as `count` processes of about equal work.

    An exercise's time limit stands for its work: the longest go first, each to the lightest process.
    """
    groups: list[list[Job]] = [[] for _ in range(count)]
    for job in sorted(jobs, key=lambda job: -job.timeout):
        min(groups, key=lambda group: sum(job.timeout for job in group)).append(job)
    return [shared_run(group) if len(group) > 1 else group[0] for group in groups if group]


def references(modules: list[ModuleType], settings: Settings, worker: Runner,
               known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every case's reference result, by case fingerprint: shipped, cached, or computed now (and cached)."""
    case_lists = {m.NAME: [c for c in cases_for(m, settings) if c.fingerprint() not in (known or {})]
                  for m in modules}
    expected, reference_jobs = _known_references(modules, case_lists, settings)
    if reference_jobs:
        stages = _run_with_trusted_stages(reference_jobs, settings, worker)
        _collect_references(reference_jobs, stages, expected, settings)
        worker.discard(reference_jobs + [stage.job for stage in stages.values() if stage.job])
    return expected


def _run_with_trusted_stages(jobs: list[Job], settings: Settings, worker: Runner) -> dict[int, TrustedStage]:
    """Runs the reference's `jobs`, each followed by its trusted stage where its exercise has one."""
    stages: dict[int, TrustedStage] = {}

    def finished(job: Job) -> list[Job]:
        if job.kind == "trusted":
            keep_trusted(next(stage for stage in stages.values() if stage.job is job))
        stage = trusted_stage(exercises.get(job.exercise), job, settings) if job.kind == "reference" else None
        if stage:
            stages[id(job)] = stage
        return [stage.job] if stage and stage.job else []

    worker.run(jobs, on_done=finished)
    return stages


def _known_references(modules: list[ModuleType], case_lists: dict[str, list[Case]], settings: Settings
                      ) -> tuple[dict[str, Any], list[Job]]:
    """Expected results already known (shipped for public cases, or cached), and jobs for the rest."""
    expected: dict[str, Any] = {}
    jobs = []
    cache = ReferenceCache(settings.cache_dir)
    for module in modules:
        missing = []
        # Digest the reference code once per exercise, not per case; without it, nothing is cached.
        code = (code_digest(settings.reference_path, module.NAME)
                if not settings.public_only and settings.reference_path.exists() else None)
        for case in case_lists[module.NAME]:
            found = shipped(case) if case.public else None
            if found is None and code:
                found = cache.get(case, code)
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
    """Runs the reference solutions on `cases` (no cache, the trusted stage's included), in order."""
    settings = Settings(reference_path=reference_path, public_only=True)  # public_only: nothing read or kept
    jobs = [_reference_job(exercises.get(name), [c for c in cases if c.exercise == name], settings)
            for name in exercises.NAMES if any(c.exercise == name for c in cases)]
    expected: dict[str, Any] = {}
    with start_worker(settings.parallel, settings.limits) as worker:
        stages = _run_with_trusted_stages(jobs, settings, worker)
        for job in jobs:
            for index, case in enumerate(job.cases):
                expected[case.fingerprint()] = _reference_answer(job, index, case, stages.get(id(job)))
    return [expected[case.fingerprint()] for case in cases]


def _reference_answer(job: Job, index: int, case: Case, stage: TrustedStage | None) -> Any:
    result = _read_result(job, index)
    if not result.get("ok"):
        raise RuntimeError(f"the reference solution failed on {case.test_name}: {result}\n{read_output(job)}")
    answer = with_trusted(exercises.get(job.exercise), result["data"], index, stage)
    trusted = answer.get(TRUSTED, {}) if isinstance(answer, dict) else {}
    if trusted is None or "refused" in trusted:
        raise RuntimeError(f"the grader's own stage failed on the reference's {case.test_name}: {trusted}\n"
                           f"{read_output(stage.job) if stage else ''}")
    return answer


def _collect_references(jobs: list[Job], stages: dict[int, TrustedStage], expected: dict[str, Any],
                        settings: Settings) -> None:
    cache = ReferenceCache(settings.cache_dir)
    for job in jobs:
        code = code_digest(settings.reference_path, job.exercise)
        for index, case in enumerate(job.cases):
            answer = _reference_answer(job, index, case, stages.get(id(job)))
            cache.put(case, code, answer)
            expected[case.fingerprint()] = answer


@dataclass
class TrustedStage:
    """The grader's own job on one job's answers (`trusted_case`/`run_trusted` of its exercise): it runs
    no learner or reference code, only the exercise module on plain data read from those answers.

    Its results depend only on that plain data (a model's description), the case and the grader's seeds
    and code: those already in the reference cache are not computed again (`known`), and the job's own
    go there once it ends (`keep_trusted`).
    """

    job: Job | None  # None when every result was known
    positions: list[int]  # for each of its job's cases, the index of the answer it was made from
    known: dict[int, Any] = field(default_factory=dict)  # results read from the cache, by answer index
    cache: ReferenceCache | None = None  # where its job's results are kept, under `code`
    code: str = ""

    def result(self, index: int) -> dict[str, Any] | None:
        """The result for answer `index` (`_read_result`'s shape), or None when it has none."""
        if index in self.known:
            return {"ok": True, "data": self.known[index]}
        if self.job is not None and index in self.positions:
            return _read_result(self.job, self.positions.index(index))
        return None


def trusted_stage(module: ModuleType, job: Job, settings: Settings) -> TrustedStage | None:
    """The trusted stage of `job`'s answers, when its exercise has one and some answer needs it."""
    if not hasattr(module, "trusted_case"):
        return None
    cache = None if settings.public_only else ReferenceCache(settings.cache_dir)
    code = code_digest(None, module.NAME) if cache else ""
    cases, positions, known = [], [], {}
    for index, case in enumerate(job.cases):
        result = _read_result(job, index)
        try:
            followup = module.trusted_case(case, result["data"]) if result.get("ok") else None
        except Exception:  # noqa: BLE001 - a malformed answer has nothing to train: `check` says what is wrong
            followup = None
        found = cache.get(followup, code) if cache and followup is not None else None
        if found is not None:
            known[index] = found
        elif followup is not None:
            cases.append(followup)
            positions.append(index)
    if not cases and not known:
        return None
    trusted = Job(module.NAME, cases, module.SECONDS * settings.limits.time_scale, "trusted") if cases else None
    return TrustedStage(trusted, positions, known, cache, code)


def keep_trusted(stage: TrustedStage) -> None:
    """Keeps the results of `stage`'s finished job in the reference cache (those it computed; not errors).

    Called in the grader's process, on what a trusted job (which ran no learner code) wrote: the key is
    the plain case that job trained, the value its result, so no learner's process writes either.
    """
    if stage.cache is None or stage.job is None:
        return
    for position, case in enumerate(stage.job.cases):
        result = _read_result(stage.job, position)
        if result.get("ok"):
            stage.cache.put(case, stage.code, result["data"])


def with_trusted(module: ModuleType, answer: Any, index: int, stage: TrustedStage | None) -> Any:
    """`answer` (case `index`'s) with its trusted stage's result under TRUSTED, for exercises that have one.

    The key is always written (None: nothing was trained; {"refused": why}: the stage failed), so
    nothing the learner's process put there survives.
    """
    if not hasattr(module, "trusted_case") or not isinstance(answer, dict):
        return answer
    trusted = None
    result = stage.result(index) if stage else None
    if result is None:
        pass
    elif result.get("ok"):
        trusted = result["data"]
    elif result.get("missing"):
        trusted = {"refused": _no_answer(stage.job).message}
    else:
        trusted = {"refused": str(result["error"].get("message", ""))}
    return {**answer, TRUSTED: trusted}


def _learner_job(module: ModuleType, cases: list[Case], submission: Submission, settings: Settings) -> Job:
    return Job(module.NAME, cases, module.SECONDS * settings.limits.time_scale, "learner",
               cells=submission.cells, tolerant=submission.tolerant)


def _read_result(job: Job, index: int) -> dict[str, Any]:
    """A case's result as the child wrote it, or why there is none; never raises.

    Learner code runs in the process that writes the file, so it may hold anything: it is only ever
    read as plain data, and an error's fields become strings.
    """
    path = job.result_path(index)
    if job.outcome.get("load_failed") or not path.exists():
        return {"ok": False, "missing": True}
    try:
        result = plain.load(path)
    except Exception as error:  # noqa: BLE001 - whatever is in the file, the grader goes on
        return {"ok": False, "error": {"type": "UnreadableResult",
                                       "message": f"the results file could not be read ({type(error).__name__})"}}
    if not isinstance(result, dict):
        return {"ok": False, "error": {"type": "UnreadableResult", "message": "the results file holds no result"}}
    if not result.get("ok"):
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        return {"ok": False, "error": _clean_error(error)}
    return result


def _clean_error(error: dict) -> dict[str, str]:
    return {key: str(error.get(key, ""))[:limit] for key, limit in
            (("where", 200), ("type", 200), ("message", 2000), ("traceback", 4000))}


def _judge(module: ModuleType, job: Job, expected: dict[str, Any], stage: TrustedStage | None = None
           ) -> ExerciseResult:
    verdicts = []
    for index, (case, share) in enumerate(zip(job.cases, shares(module.POINTS, len(job.cases)))):
        result = _read_result(job, index)
        if result.get("ok"):
            result["data"] = with_trusted(module, result["data"], index, stage)
        verdict = CaseResult(case, share, got=result.get("data"), expected=expected[case.fingerprint()])
        try:
            _verify(module, job, result, case, verdict.expected)
            verdict.passed = True
        except Failure as failure:
            verdict.message, verdict.hint, verdict.hints = failure.message, failure.hint, failure.hints
            verdict.mistake = f"{module.NAME}/{failure.mistake}" if failure.mistake else ""
            if case.public and result.get("ok") and (note := version_note()):
                verdict.message += f" ({note})"
        except Exception as error:  # noqa: BLE001 - an answer we cannot read is a wrong answer, not a crash
            verdict.message = f"the answer could not be read ({type(error).__name__}: {error})"
            verdict.hint = f"return what the docstring of {module.NAME} describes"
            verdict.hints = (verdict.hint,)
        verdicts.append(verdict)
    return ExerciseResult(module.NAME, verdicts, read_output(job))


def _verify(module: ModuleType, job: Job, result: dict[str, Any], case: Case, expected: Any) -> None:
    """Returns when the learner's result passes `module.check`; raises Failure otherwise."""
    if result.get("missing"):
        raise _no_answer(job)
    if not result.get("ok"):
        error = result.get("error") or {}
        message = f"{error.get('type') or 'Error'}: {error.get('message', '')}".strip()
        if _shut_in_hint(error):
            raise Crash(message, _shut_in_hint(error), "shut-in")
        hints, mistake = explain_error(error, module.NAME)
        if mistake == NOT_ATTEMPTED:
            why = "it still raises NotImplementedError" if error.get("type") == "NotImplementedError" else \
                "the file has no function of that name"
            message = f"{module.NAME} is not attempted yet ({why})"
        raise Crash(message, hints, mistake)
    module.check(case, result["data"], expected)


SHUT_IN_ERRORS = ("Operation not permitted", "Read-only file system", "Permission denied",
                  "Network is unreachable", "No space left on device", "File too large")


def _shut_in_hint(error: dict[str, str]) -> str:
    """A hint for errors that come from the grader's confinement rather than from the code's logic."""
    if any(words in error.get("message", "") for words in SHUT_IN_ERRORS):
        return ("the grader runs your code shut in: it may not start processes or programs, use the network, "
                "or write outside its working directory (which is small); compute the answer in Python and "
                "return it")
    return ""


def _no_answer(job: Job) -> Crash:
    """Why a case has no answer, from how the job's process ended."""
    outcome = job.outcome
    name = job.exercise
    at_top = job.kind == "learner" and job.dir is not None and not (job.dir / LOAD_ERRORS).exists()
    where = ("while the submission's top-level code was running, before " + name + " was called"
             if at_top else f"while {name} was running")
    memory = outcome.get("memory_bytes")
    memory_note = f" (the limit is {memory / 2**30:g} GiB)" if memory else ""
    if outcome.get("worker_died"):
        return Crash(f"the grader's worker stopped twice while running {name}, so it could not be graded",
                     "this is the grader's failure, not necessarily your code's: tell your instructor",
                     "grader-failure")
    if outcome.get("setup_error"):
        return Crash(f"the grader could not start {name}: {outcome['setup_error']}",
                     "this is the grader's failure, not your code's: tell your instructor", "grader-failure")
    if outcome.get("idle_seconds"):
        return Crash(f"stopped as waiting {where}: it used no CPU time for {outcome['idle_seconds']:g} s (sleeping, "
                     "or waiting for something that never came), so it could not answer",
                     ("look for time.sleep, input(), or a wait on a thread, a process or a file: the grader stops "
                      "code that waits instead of computing",
                      "an exercise computes its answer from its arguments alone: nothing needs to wait"), "waits")
    if at_top and outcome.get("load_timed_out"):
        return Crash(f"no answer within {outcome['load_limit']:g} s, the time limit of the submission's top-level "
                     f"code: it was stopped {where}",
                     "look for a loop that never ends, or training at the top level of the file: code outside "
                     "the functions runs when the file loads, before any exercise is graded", "top-level-time-out")
    if outcome.get("timed_out"):
        return Crash(f"no answer within {job.timeout:g} s, the time limit of {name}: it was stopped {where}",
                     ("look for a loop that never ends, or far more training than the case asks for",
                      "time one call of your function on the example in the notebook: it should take seconds; "
                      "print the epoch counts and loop bounds you use",
                      "train only what the case asks for: epochs=epochs once per model, no loop around fit "
                      "and no `while` that waits for the loss to reach a value"), "time-out")
    signal_name = outcome.get("signal")
    if signal_name == "SIGSEGV":
        return Crash(f"the process crashed (segmentation fault, SIGSEGV) {where}",
                     "a crash in native code: often recursion far deeper than Python allows (after "
                     "sys.setrecursionlimit), ctypes, or memory past the limit" + memory_note, "native-crash")
    if signal_name in ("SIGKILL", "SIGABRT", "SIGBUS"):
        return Crash(f"the process was stopped ({signal_name}) {where}, most likely for using more memory "
                     f"than allowed{memory_note}",
                     "look for arrays or lists far larger than the data, or for a model far too big",
                     "out-of-memory")
    if signal_name:
        return Crash(f"the process died ({signal_name}) {where}",
                     "a crash in native code, or memory past the limit" + memory_note, "native-crash")
    return Crash(f"the process ended (exit code {outcome.get('exit_code')}) {where}, before answering",
                 "do not call sys.exit, exit(), quit() or os._exit in a submission: return the answer instead",
                 "exits")


def _load_errors(jobs: list[Job]) -> list[dict[str, str]]:
    """The errors met while running the submission's cells (as the first job recorded them); never raises."""
    for job in jobs:
        path = job.dir / LOAD_ERRORS
        if path.exists():
            try:
                errors = plain.load(path)
            except Exception:  # noqa: BLE001 - learner code may have written anything there
                return []
            if not isinstance(errors, list):
                return []
            return [_clean_error(error) for error in errors[:50] if isinstance(error, dict)]
    return []
