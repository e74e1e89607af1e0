"""What learners see of hidden cases: everything, the verdict and hint without the case's data, or the score.

The instructor chooses once per course (`--show-hidden` of `grader grade`, `grader batch` and
`grader gradescope build`; `GradeOutsideKernel.show_hidden` in nbgrader_config.py; `$GRADER_SHOW_HIDDEN`
as their default). Learner-facing output (the text report, the feedback page, nbgrader's feedback,
Gradescope's results.json) goes through `learner_view`; the instructor's own output (batch results,
summary, mistakes) never does.

- `full`: each hidden case's title (its drawn parameters), message (expected and actual values) and hints.
- `verdict`: "hidden case 2", passed or failed, and the hints with the case's numbers blanked out; no
  message, no picture of a hidden case, and none of what the code printed (it may print its inputs).
- `score`: only the points of the hidden cases, together. On Gradescope the hidden tests keep the
  `verdict` view but with `visibility: after_published`: learners see them once grades are published.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Any

from grader.core.results import CaseResult, ExerciseResult, Report

CHOICES = ("full", "verdict", "score")
ENV = "GRADER_SHOW_HIDDEN"
HELP = ("what learners see of hidden cases: full (titles with the drawn parameters, expected values, hints), "
        "verdict (passed or failed and the hints, without the case's data) or score (only the points); "
        f"default ${ENV} or full. Instructors' batch results, summary and mistakes always keep everything")
WITHHELD = "failed (a hidden case: its data are not shown)"
GRADESCOPE_VISIBILITY = {"full": "visible", "verdict": "visible", "score": "after_published"}


def default() -> str:
    """The course's choice from the environment, else `full`."""
    chosen = os.environ.get(ENV, "full")
    if chosen not in CHOICES:
        raise ValueError(f"${ENV} is {chosen!r}; choose one of {', '.join(CHOICES)}")
    return chosen


def learner_view(report: Report, show: str) -> Report:
    """The report as learners may see it: hidden cases concealed as `show` says (a copy; `full`: as is)."""
    if show not in CHOICES:
        raise ValueError(f"show_hidden is {show!r}; choose one of {', '.join(CHOICES)}")
    if show == "full":
        return report
    return replace(report, exercises=[_exercise_view(exercise, show) for exercise in report.exercises])


def _exercise_view(exercise: ExerciseResult, show: str) -> ExerciseResult:
    cases, hidden = [], 0
    for result in exercise.cases:
        if result.case.public:
            cases.append(result)
            continue
        hidden += 1
        cases.append(conceal(result, hidden, show))
    concealed = any(not case.case.public for case in exercise.cases)
    return replace(exercise, cases=cases, output="" if concealed else exercise.output)


def conceal(result: CaseResult, number: int, show: str) -> CaseResult:
    """A hidden case's verdict without its data: a numbered title, no message or answers, blanked hints."""
    secrets = _secrets(result)
    hints = tuple(blank(hint, secrets) for hint in result.hints)
    message = "" if result.passed else (result.message if result.not_attempted else WITHHELD)
    return replace(result, case=replace(result.case, title=f"hidden case {number}"), message=message,
                   hint=hints[0] if hints else "", hints=hints, got=None, expected=None, concealed=show)


_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?(?![\w])", re.IGNORECASE)


def _secrets(result: CaseResult) -> set[str]:
    """Numbers that belong to the case: its drawn parameters and the values in its message.

    0 and 1 are left alone: they say nothing about a case (axis=0, a 1-d mask) and blanking them
    would garble every hint.
    """
    found = set(_NUMBER.findall(result.message)) | set(_NUMBER.findall(result.case.title))
    found |= {text for value in _leaves(result.case.spec) for text in _spellings(value)}
    return {text for text in found if text.lstrip("+-") not in ("0", "1", "0.0", "1.0")}


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _spellings(value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return []
    return list({f"{value:g}", repr(value), str(value)})


def blank(text: str, secrets: set[str]) -> str:
    """`text` with each number in `secrets` replaced by "…"."""
    return _NUMBER.sub(lambda match: "…" if match.group(0) in secrets else match.group(0), text)
