"""A grade as text for people and as Gradescope's results.json for platforms."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from grader.core.escape import visible
from grader.core.plain import write_atomic
from grader.core.results import CaseResult, ExerciseResult, Report

GREEN, RED, BOLD, RESET = "\033[32m", "\033[31m", "\033[1m", "\033[0m"


def text(report: Report, colour: bool = False) -> str:
    """The readable report: per exercise, points, each case checked, what went wrong, one hint. Learner
    text (the file name, messages, what the code printed) is shown `visible`: no control character of
    theirs reaches the terminal.

    Args:
        report: the grade.
        colour: mark passes green, failures red and totals bold with ANSI codes (for terminals).
    """
    # Never the seed: it is the instructor's secret, and reports are handed to learners.
    scope = "public checks only" if report.public_only else "all cases"
    lines = [f"Grading {visible(report.path.name, one_line=True)} ({scope})", ""]
    if report.load_errors:
        lines.append("While loading your code:")
        for error in report.load_errors:
            first_line = (error["message"].split("\n") or [""])[0]
            lines.append(visible(f"  {error['where']}: {error['type']}: {first_line}", one_line=True))
        lines.append("")
    for exercise in report.exercises:
        lines += [exercise_text(exercise, colour), ""]
    lines.append(_paint(f"{'Total':<32} {report.score:5.2f} / {report.max_score:.2f}", BOLD, colour))
    if report.public_only:
        lines.append("Hidden cases are graded when you submit: passing the public checks is a good sign, "
                     "not a promise.")
    return "\n".join(lines)


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour else text


def exercise_text(exercise: ExerciseResult, colour: bool = False) -> str:
    """One exercise's points, each case checked, and for failures the message and the first hint.

    An exercise not written yet says so in one line; hidden cases concealed down to their score
    (grader.output.visibility) show as one line of points.
    """
    head = f"{exercise.name:<32} {exercise.score:5.2f} / {exercise.max_score:.2f}"
    if exercise.not_attempted:
        return "\n".join([_paint(head + "  not attempted", BOLD, colour),
                          *_wrapped(f"hint: {exercise.cases[0].hint}", "       ")])
    lines = [_paint(head, BOLD, colour)]
    for result in exercise.cases:
        if result.concealed == "score":
            continue
        mark = _paint("ok  ", GREEN, colour) if result.passed else _paint("FAIL", RED, colour)
        tag = "" if result.case.public or result.concealed else " (hidden)"
        lines.append(f"  {mark} {result.case.title}{tag}")
        if not result.passed:
            lines += _wrapped(result.message, "       ")
            if result.hint:
                lines += _wrapped(f"hint: {result.hint}", "       ")
    scored = [result for result in exercise.cases if result.concealed == "score"]
    if scored:
        lines.append(f"       hidden cases: {sum(r.score for r in scored):.2f} / "
                     f"{sum(r.max_score for r in scored):.2f} (their details are not shown)")
    if exercise.output and not all(r.passed for r in exercise.cases):
        lines.append("       your code printed:")
        lines += ["       | " + line for line in visible(exercise.output).split("\n")[:20]]
    return "\n".join(lines)


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(visible(text), width=100, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def status(result: CaseResult) -> str:
    """A case's verdict in one word: passed, failed or not attempted."""
    return "passed" if result.passed else "not attempted" if result.not_attempted else "failed"


def gradescope(report: Report) -> dict[str, Any]:
    """Gradescope's results.json: score, execution_time, output, and one test per case.

    Each test's `extra_data` holds its status and the mistake id and first hint (for the class summary);
    the visibility of a concealed hidden case follows grader.output.visibility.
    """
    from grader.output.visibility import GRADESCOPE_VISIBILITY

    tests = []
    for exercise in report.exercises:
        for result in exercise.cases:
            output = "passed" if result.passed else result.message + (f"\nhint: {result.hint}" if result.hint else "")
            tests.append({"name": result.case.test_name, "score": round(result.score, 6),
                          "max_score": round(result.max_score, 6), "output": output,
                          "visibility": GRADESCOPE_VISIBILITY[result.concealed or "full"],
                          "extra_data": {"status": status(result), "mistake": result.mistake,
                                         "hint": result.hint}})
    summary = f"{report.score:.2f} / {report.max_score:.2f} points"
    if report.load_errors:
        summary += "\nErrors while loading the code:\n" + "\n".join(
            f"{e['where']}: {e['type']}: {e['message']}" for e in report.load_errors)
    return {"score": round(report.score, 6), "max_score": round(report.max_score, 6),
            "execution_time": round(report.seconds, 2), "output": summary, "tests": tests}


def write_json(report: Report, path: Path) -> None:
    """Writes the Gradescope results atomically: readers never see half a file."""
    write_atomic(Path(path), json.dumps(gradescope(report), indent=2).encode())
