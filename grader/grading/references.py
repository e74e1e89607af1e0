"""Reference results: each case's, shipped (public cases), cached, or computed now by running the reference
solutions (and, for an exercise with one, the trusted stage on their answers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader import exercises
from grader.core.case import TRUSTED, Case
from grader.exercises.contract import Exercise
from grader.grading.cache import ReferenceCache, code_digest, shipped
from grader.grading.readback import read_result
from grader.grading.settings import Settings, cases_for
from grader.grading.trusted import TrustedStage, keep_trusted, trusted_stage, with_trusted
from grader.runner.jobs import Job, Runner
from grader.runner.portable import start_worker
from grader.runner.printed import read_output


def references(modules: list[Exercise], settings: Settings, worker: Runner,
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


def _known_references(modules: list[Exercise], case_lists: dict[str, list[Case]], settings: Settings
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
            jobs.append(reference_job(module, missing, settings))
    return expected, jobs


def reference_job(module: Exercise, cases: list[Case], settings: Settings) -> Job:
    # The reference gets 4x the learner's time: it must never be the one that times out.
    return Job(module.NAME, cases, 4 * module.SECONDS * settings.limits.time_scale, "reference",
               reference_path=str(settings.reference_path))


def reference_results(cases: list[Case], reference_path: Path) -> list[Any]:
    """Runs the reference solutions on `cases` (no cache, the trusted stage's included), in order."""
    settings = Settings(reference_path=reference_path, public_only=True)  # public_only: nothing read or kept
    jobs = [reference_job(exercises.get(name), [c for c in cases if c.exercise == name], settings)
            for name in exercises.NAMES if any(c.exercise == name for c in cases)]
    expected: dict[str, Any] = {}
    with start_worker(settings.parallel, settings.limits) as worker:
        stages = _run_with_trusted_stages(jobs, settings, worker)
        for job in jobs:
            for index, case in enumerate(job.cases):
                expected[case.fingerprint()] = _reference_answer(job, index, case, stages.get(id(job)))
    return [expected[case.fingerprint()] for case in cases]


def _reference_answer(job: Job, index: int, case: Case, stage: TrustedStage | None) -> Any:
    result = read_result(job, index)
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
