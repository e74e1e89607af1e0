"""A ladder of hints per mistake: `check()` shows the first, `hint(exercise)` the next one.

Which hints a learner has seen is kept per exercise and mistake in `.grader-hints.json` beside their
work (the folder of the checked file; for a notebook session, the kernel's working folder, which is the
notebook's). It holds only mistake ids, hints and counts: deleting it starts every ladder again.
A new mistake starts its own ladder; coming back to a mistake resumes where its ladder was left.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.core.plain import write_atomic
from grader.core.results import CaseResult, ExerciseResult, Report

STATE = ".grader-hints.json"


def current_failure(exercise: ExerciseResult) -> CaseResult | None:
    """The failure the learner should work on: the first failing case (public cases come first)."""
    return next((case for case in exercise.cases if not case.passed), None)


def _key(exercise: ExerciseResult, failure: CaseResult) -> str:
    # A failure the grader cannot name has one hint; it is keyed by its message.
    return failure.mistake or f"{exercise.name}/unnamed: {failure.message[:200]}"


@dataclass
class Hint:
    """One rung of a mistake's ladder."""

    exercise: str
    mistake: str  # the id without the exercise, or "" for a failure the grader cannot name
    text: str
    number: int  # 1-based
    total: int

    def __str__(self) -> str:
        named = f" (mistake: {self.mistake})" if self.mistake else ""
        last = " That is the last hint for this mistake." if self.number == self.total and self.total > 1 else ""
        return f"{self.exercise}, hint {self.number} of {self.total}{named}: {self.text}{last}"


class Ladders:
    """The hints shown so far, per exercise and mistake, kept in `folder / STATE`."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STATE
        try:
            self.state = json.loads(self.path.read_text())
            if not isinstance(self.state, dict):
                raise ValueError
        except (OSError, ValueError):
            self.state = {}
        self.state.setdefault("shown", {})
        self.state.setdefault("current", {})

    def save(self) -> None:
        try:
            write_atomic(self.path, json.dumps(self.state, indent=1).encode())
        except OSError:  # a read-only folder: hints still work, they just start again next time
            pass

    def record(self, report: Report) -> None:
        """Notes each checked exercise's current mistake; `check()` has shown its first hint."""
        for exercise in report.exercises:
            failure = current_failure(exercise)
            if failure is None:
                self.state["current"].pop(exercise.name, None)
                continue
            key = _key(exercise, failure)
            self.state["current"][exercise.name] = {"key": key, "hints": list(failure.hints or (failure.hint,))}
            self.state["shown"][key] = max(1, int(self.state["shown"].get(key, 0)))
        self.save()

    def next(self, exercise: str) -> Hint | None:
        """The next hint for `exercise`'s current mistake (the last one again at the end), or None."""
        current = self.state["current"].get(exercise)
        if not current:
            return None
        key, hints = current["key"], [h for h in current["hints"] if h] or ["read the message above"]
        number = min(int(self.state["shown"].get(key, 0)) + 1, len(hints))
        self.state["shown"][key] = number
        self.save()
        mistake = key.split("/", 1)[-1] if not key.startswith(f"{exercise}/unnamed:") else ""
        return Hint(exercise, mistake, hints[number - 1], number, len(hints))
