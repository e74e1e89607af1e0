"""`grader diff OLD NEW` and `grader batch ... --compare OLD`: whose score a regrade moved, and why.

A regrade (another seed, grader or library version) writes a new results folder; comparing it with the
previous one lists every learner with a case whose score changed, per exercise and case, with the old
and new messages. Cases are matched by exercise and position: a hidden case's title carries its drawn
parameters, which change with the seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.core.escape import csv_bytes, visible
from grader.core.plain import write_atomic
from grader.core.submission import SUFFIXES, name
from grader.output.summary import exercise_of

TOLERANCE = 1e-9


@dataclass
class CaseChange:
    """One case whose score differs between the two gradings."""

    exercise: str
    old_name: str
    new_name: str
    old_score: float
    new_score: float
    old_output: str
    new_output: str


@dataclass
class Move:
    """A learner whose score changed on at least one case."""

    learner: str
    old_total: float
    new_total: float
    changes: list[CaseChange] = field(default_factory=list)

    @property
    def direction(self) -> str:
        """up, down, or same (cases moved both ways and cancelled out)."""
        if self.new_total > self.old_total + TOLERANCE:
            return "up"
        return "down" if self.new_total < self.old_total - TOLERANCE else "same"


@dataclass
class Comparison:
    """What a regrade changed: the learners who moved, and those graded only once."""

    moves: list[Move]
    only_old: list[str]
    only_new: list[str]
    unchanged: int

    def sentence(self) -> str:
        """How many moved up and down, in one sentence for the class summary."""
        count = {d: sum(m.direction == d for m in self.moves) for d in ("up", "down", "same")}
        text = (f"{len(self.moves)} learner(s) changed score since the previous grading: {count['up']} up, "
                f"{count['down']} down")
        if count["same"]:
            text += f", {count['same']} with cases moving both ways and the same total"
        text += f"; {self.unchanged} unchanged"
        if self.only_new or self.only_old:
            text += f"; {len(self.only_new)} graded for the first time, {len(self.only_old)} no longer present"
        return text + "."


def results_in(folder: Path) -> dict[str, dict[str, Any]]:
    """Every learner's results in a batch's output folder, by their submission's name (grader.core.submission.name):
    their path there without `.json`, or for a folder written before names kept the suffix, the name
    its results record."""
    found = {}
    for path in sorted(Path(folder).rglob("*.json")):
        try:
            results = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(results, dict) and isinstance(results.get("tests"), list):
            learner = path.relative_to(folder).with_suffix("")
            if learner.suffix not in SUFFIXES:  # OUT/ada.json, OUT/<student>/<notebook>.json
                submission = Path(str((results.get("extra_data") or {}).get("submission", learner)))
                learner = Path(name(submission, nbgrader=len(learner.parts) > 1))
            found[learner.as_posix()] = results
    return found


def compare(old: Path, new: Path) -> Comparison:
    """Compares two batch output folders, learner by learner and case by case."""
    before, after = results_in(old), results_in(new)
    moves, unchanged = [], 0
    for learner in sorted(set(before) & set(after)):
        changes = _changes(before[learner], after[learner])
        if changes:
            moves.append(Move(learner, float(before[learner].get("score", 0)),
                              float(after[learner].get("score", 0)), changes))
        else:
            unchanged += 1
    return Comparison(moves, sorted(set(before) - set(after)), sorted(set(after) - set(before)), unchanged)


def _by_exercise(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for test in results.get("tests", []):
        grouped.setdefault(exercise_of(test), []).append(test)
    return grouped


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[CaseChange]:
    before, after = _by_exercise(old), _by_exercise(new)
    changes = []
    for exercise in list(dict.fromkeys([*before, *after])):
        old_tests, new_tests = before.get(exercise, []), after.get(exercise, [])
        for index in range(max(len(old_tests), len(new_tests))):
            a = old_tests[index] if index < len(old_tests) else {}
            b = new_tests[index] if index < len(new_tests) else {}
            old_score, new_score = float(a.get("score", 0)), float(b.get("score", 0))
            if abs(old_score - new_score) > TOLERANCE:
                changes.append(CaseChange(exercise, _case_name(a), _case_name(b), old_score, new_score,
                                          str(a.get("output", "")), str(b.get("output", ""))))
    # Whole-file changes (a submission that failed to load, then did) have no tests to compare.
    if not changes and abs(float(old.get("score", 0)) - float(new.get("score", 0))) > TOLERANCE:
        changes.append(CaseChange("(whole submission)", "", "", float(old.get("score", 0)),
                                  float(new.get("score", 0)), str(old.get("output", "")),
                                  str(new.get("output", ""))))
    return changes


def _case_name(test: dict[str, Any]) -> str:
    name = str(test.get("name", ""))
    return name.split(": ", 1)[-1] if test else "(absent)"


def text(comparison: Comparison) -> str:
    """Every learner who moved, each changed case with its old and new message, then the sentence; learner
    text shown `visible`, a name on one line."""
    lines = []
    for move in comparison.moves:
        lines.append(f"{visible(move.learner, one_line=True)}: {move.old_total:g} -> {move.new_total:g} "
                     f"({move.direction})")
        for change in move.changes:
            case = change.new_name if change.new_name == change.old_name else f"{change.old_name} -> {change.new_name}"
            lines.append(f"  {change.exercise}: {case}: {change.old_score:g} -> {change.new_score:g}")
            lines.append(f"    before: {_first_line(change.old_output)}")
            lines.append(f"    now:    {_first_line(change.new_output)}")
    for learner in comparison.only_new:
        lines.append(f"{visible(learner, one_line=True)}: graded for the first time")
    for learner in comparison.only_old:
        lines.append(f"{visible(learner, one_line=True)}: in the previous grading only")
    lines.append(comparison.sentence())
    return visible("\n".join(lines))


def _first_line(output: str) -> str:
    return (output.splitlines() or [""])[0][:200]


def write_csv(comparison: Comparison, path: Path) -> Path:
    """learner, old total, new total, exercise, old case, new case, old score, new score, old and new message."""
    rows = [[move.learner, move.old_total, move.new_total, change.exercise, change.old_name, change.new_name,
             change.old_score, change.new_score, change.old_output, change.new_output]
            for move in comparison.moves for change in move.changes]
    write_atomic(Path(path), csv_bytes(["learner", "old total", "new total", "exercise", "old case", "new case",
                                        "old score", "new score", "old message", "new message"], rows))
    return Path(path)
