"""Judging: each case's verdict, from what the learner's child answered and the reference's result."""

from __future__ import annotations

from typing import Any

from grader.core.case import Case
from grader.core.feedback import NOT_ATTEMPTED, Crash, Failure, explain_error
from grader.core.results import CaseResult, ExerciseResult, shares
from grader.exercises.contract import Exercise
from grader.grading.cache import version_note
from grader.grading.crashes import no_answer, shut_in_hint
from grader.grading.readback import read_result
from grader.grading.trusted import TrustedStage, with_trusted
from grader.runner.jobs import Job
from grader.runner.printed import read_output


def judge(module: Exercise, job: Job, expected: dict[str, Any], stage: TrustedStage | None = None
          ) -> ExerciseResult:
    """The verdicts on `job`'s cases (a learner's exercise), against the reference's results `expected`
    (by case fingerprint), with its trusted stage's results where its exercise has one."""
    verdicts = []
    for index, (case, share) in enumerate(zip(job.cases, shares(module.POINTS, len(job.cases)))):
        result = read_result(job, index)
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


def _verify(module: Exercise, job: Job, result: dict[str, Any], case: Case, expected: Any) -> None:
    """Returns when the learner's result passes `module.check`; raises Failure otherwise."""
    if result.get("missing"):
        raise no_answer(job)
    if not result.get("ok"):
        error = result.get("error") or {}
        message = f"{error.get('type') or 'Error'}: {error.get('message', '')}".strip()
        if shut_in_hint(error):
            raise Crash(message, shut_in_hint(error), "shut-in")
        hints, mistake = explain_error(error, module.NAME)
        if mistake == NOT_ATTEMPTED:
            why = "it still raises NotImplementedError" if error.get("type") == "NotImplementedError" else \
                "the file has no function of that name"
            message = f"{module.NAME} is not attempted yet ({why})"
        raise Crash(message, hints, mistake)
    module.check(case, result["data"], expected)
