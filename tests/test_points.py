"""Points add up: each exercise's cases share its points in whole hundredths, and no output shows noise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader import exercises
from grader.core.results import CaseResult, ExerciseResult, Report, shares
from grader.output import html, report
from grader.platforms import nbgrader_plugin

NOISE = re.compile(r"\d\.\d*(0000|9999)\d")  # 2.000001, 0.6666667, 1.9999999...


@pytest.mark.parametrize("count", range(1, 13))
def test_shares_are_whole_hundredths_that_add_up_exactly(count: int) -> None:
    for points in (1.0, 2.0, 2.5, 3.0):
        split = shares(points, count)
        assert len(split) == count
        assert sum(round(share * 100) for share in split) == round(points * 100)
        assert max(split) - min(split) <= 0.01 + 1e-12
        assert all(share == round(share, 2) for share in split)


def test_a_split_that_is_not_in_hundredths_is_refused() -> None:
    with pytest.raises(ValueError):
        shares(1.005, 2)


def _report(passed: bool | None) -> Report:
    """Every exercise with its seed-0 cases: all passed, all failed, or (None) every other one passed."""
    results = []
    for module in exercises.load_all():
        cases = module.cases(0)
        verdicts = [CaseResult(case, share, passed=(index % 2 == 0) if passed is None else passed,
                               message="" if passed else "wrong", hint="")
                    for index, (case, share) in enumerate(zip(cases, shares(module.POINTS, len(cases))))]
        results.append(ExerciseResult(module.NAME, verdicts))
    return Report(Path("submission.py"), False, results)


def test_every_exercise_sums_exactly_to_its_points() -> None:
    full = _report(True)
    for module, result in zip(exercises.load_all(), full.exercises):
        assert result.max_score == module.POINTS
        assert result.score == module.POINTS
    assert full.score == full.max_score == sum(module.POINTS for module in exercises.load_all())


@pytest.mark.parametrize("passed", [True, False, None])
def test_no_output_shows_rounding_noise(passed: bool | None) -> None:
    graded = _report(passed)
    results = report.gradescope(graded)
    texts = [report.text(graded), json.dumps(results), html.page(graded)]
    texts += [repr(output) for result in graded.exercises
              for output in nbgrader_plugin.cell_outputs(result, exercises.get(result.name).POINTS)]
    for text in texts:
        assert not NOISE.search(text), NOISE.search(text).group()
    # Gradescope adds up the tests itself: its sum must be the total the grader shows.
    assert round(sum(test["score"] for test in results["tests"]), 9) == results["score"]
    assert round(sum(test["max_score"] for test in results["tests"]), 9) == results["max_score"]
