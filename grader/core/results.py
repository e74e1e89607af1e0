"""A submission's grade: each case's verdict, each exercise's, the whole report, and their points.

Output modules (grader/output/) and platforms read these types without loading the runner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.core.case import Case
from grader.core.feedback import NOT_ATTEMPTED


@dataclass
class CaseResult:
    """The verdict on one case."""

    case: Case
    max_score: float
    passed: bool = False
    message: str = ""
    hint: str = ""
    hints: tuple[str, ...] = ()  # the ladder of hints for this mistake, gentlest first (`hint` is the first)
    mistake: str = ""  # "<exercise>/<mistake id>" when the grader can name the mistake, else ""
    concealed: str = ""  # a hidden case as learners see it: "verdict" or "score" (grader.output.visibility)
    got: Any = None  # the learner's answer as plain data, when there was one (for pictures)
    expected: Any = None  # the reference's answer

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0

    @property
    def not_attempted(self) -> bool:
        """The exercise still raises NotImplementedError: not written yet, rather than wrong."""
        return self.mistake.endswith("/" + NOT_ATTEMPTED)


@dataclass
class ExerciseResult:
    """The verdicts on one exercise's cases, and what its code printed."""

    name: str
    cases: list[CaseResult]
    output: str = ""

    @property
    def score(self) -> float:
        return points_sum(case.score for case in self.cases)

    @property
    def max_score(self) -> float:
        return points_sum(case.max_score for case in self.cases)

    @property
    def not_attempted(self) -> bool:
        """Every case says the exercise is not written yet."""
        return bool(self.cases) and all(case.not_attempted for case in self.cases)


@dataclass
class Report:
    """A whole submission's grade."""

    path: Path
    public_only: bool
    exercises: list[ExerciseResult]
    load_errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0  # wall-clock time of its processes
    cpu_seconds: float = 0.0  # what its processes used of the CPU time their limits count

    @property
    def score(self) -> float:
        return points_sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return points_sum(e.max_score for e in self.exercises)


# Points are whole hundredths: what Gradescope and nbgrader show, and fine enough for any share of a case.
HUNDREDTHS = 100


def shares(points: float, count: int) -> list[float]:
    """`points` split over `count` cases in whole hundredths that add up to exactly `points`.

    An even split is rarely a whole number of hundredths (2 points over 3 cases is 0.666...): the first
    cases get one hundredth more than the rest (0.67, 0.67, 0.66), so that no total shows rounding noise.
    """
    cents = round(points * HUNDREDTHS)
    if abs(cents - points * HUNDREDTHS) > 1e-6:
        raise ValueError(f"{points} points is not a whole number of hundredths")
    base, extra = divmod(cents, count)
    return [(base + (index < extra)) / HUNDREDTHS for index in range(count)]


def points_sum(values: Iterable[float]) -> float:
    """The sum of whole-hundredth points, as the float nearest that exact decimal (2.0, never 2.0000000000000004)."""
    return round(sum(values), 2)
