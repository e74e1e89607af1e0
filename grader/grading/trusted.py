"""The trusted stage: the grader's own job on a job's answers, for an exercise graded by an outcome the
grader computes from the answer (`contract.Trusted`: a model it trains). It runs no learner or reference
code, only the exercise module on plain data read from those answers, and its result reaches `check`
under `TRUSTED`, written over whatever the learner's process put there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.core.case import TRUSTED
from grader.exercises.contract import Exercise, Trusted
from grader.grading.cache import ReferenceCache, code_digest
from grader.grading.crashes import no_answer
from grader.grading.readback import ReadResult, read_result
from grader.grading.settings import Settings
from grader.runner.jobs import Job


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

    def result(self, index: int) -> ReadResult | None:
        """The result for answer `index` (`read_result`'s shape), or None when it has none."""
        if index in self.known:
            return {"ok": True, "data": self.known[index]}
        if self.job is not None and index in self.positions:
            return read_result(self.job, self.positions.index(index))
        return None


def trusted_stage(module: Exercise, job: Job, settings: Settings) -> TrustedStage | None:
    """The trusted stage of `job`'s answers, when its exercise has one and some answer needs it."""
    if not isinstance(module, Trusted):
        return None
    cache = None if settings.public_only else ReferenceCache(settings.cache_dir)
    code = code_digest(None, module.NAME) if cache else ""
    cases, positions, known = [], [], {}
    for index, case in enumerate(job.cases):
        result = read_result(job, index)
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
        result = read_result(stage.job, position)
        if result.get("ok"):
            stage.cache.put(case, stage.code, result["data"])


def with_trusted(module: Exercise, answer: Any, index: int, stage: TrustedStage | None) -> Any:
    """`answer` (case `index`'s) with its trusted stage's result under TRUSTED, for exercises that have one.

    The key is always written (None: nothing was trained; {"refused": why}: the stage failed), so
    nothing the learner's process put there survives.
    """
    if not isinstance(module, Trusted) or not isinstance(answer, dict):
        return answer
    trusted = None
    result = stage.result(index) if stage else None
    if result is None:
        pass
    elif result.get("ok"):
        trusted = result["data"]
    elif result.get("missing"):
        trusted = {"refused": no_answer(stage.job).message}
    else:
        trusted = {"refused": str(result["error"].get("message", ""))}
    return {**answer, TRUSTED: trusted}
