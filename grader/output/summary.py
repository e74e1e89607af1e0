"""The class summary of a batch: a CSV of per-exercise scores, a CSV of mistakes, and a page of both.

`OUT/mistakes.csv` and the page's mistakes section count, per exercise, the learners whose failures
the grader names (each mistake id with what it means for a class: its exercise module's `MISTAKES`, or
grader.core.feedback's for mistakes any code can make, never one learner's own diagnosis), and group the
failures it cannot name by the shape of their message (grader.core.feedback.message_shape), so the instructor
sees what the grader does not yet recognise. They read the instructor's own results files, which always
keep every detail.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import exercises
from grader.core import feedback, pictures
from grader.core.escape import csv_bytes, visible
from grader.core.feedback import NOT_ATTEMPTED, message_shape
from grader.core.plain import write_atomic
from grader.output.html import STYLE

EXAMPLES = 3  # example learners listed per mistake


def per_exercise(results: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(score, max) per exercise from a Gradescope results dict (test names start with the exercise)."""
    scores = {name: (0.0, 0.0) for name in exercises.NAMES}
    for test in results.get("tests", []):
        name = exercise_of(test)
        if name in scores:
            score, maximum = scores[name]
            scores[name] = (score + float(test.get("score", 0)), maximum + float(test.get("max_score", 0)))
    return scores


def exercise_of(test: dict[str, Any]) -> str:
    """The exercise a results.json test belongs to."""
    return str(test.get("name", "")).split(":")[0]


@dataclass
class Tally:
    """The learners behind one named mistake, or one shape of unnamed failure, of one exercise."""

    exercise: str
    key: str  # the mistake id without its exercise, or the message shape
    hint: str = ""  # what the mistake means for a class (named mistakes), or one full message (unnamed failures)
    learners: list[str] = field(default_factory=list)

    def add(self, learner: str) -> None:
        if learner not in self.learners:
            self.learners.append(learner)


@dataclass
class Mistakes:
    """Every exercise's named mistakes and unnamed failures across a class, and who has not attempted it."""

    submissions: int
    named: dict[tuple[str, str], Tally]
    unnamed: dict[tuple[str, str], Tally]

    def of(self, exercise: str, table: dict[tuple[str, str], Tally]) -> list[Tally]:
        """One exercise's tallies, most learners first."""
        found = [tally for (name, _), tally in table.items() if name == exercise]
        return sorted(found, key=lambda tally: (-len(tally.learners), tally.key))

    def not_attempted(self, exercise: str) -> int:
        tally = self.named.get((exercise, NOT_ATTEMPTED))
        return len(tally.learners) if tally else 0


def tally_mistakes(results: list[tuple[str, dict[str, Any]]]) -> Mistakes:
    """Counts, per exercise, the learners with each named mistake and each shape of unnamed failure."""
    named: dict[tuple[str, str], Tally] = {}
    unnamed: dict[tuple[str, str], Tally] = {}
    for learner, result in results:
        for test in result.get("tests", []):
            extra = test.get("extra_data") or {}
            if extra.get("status", "passed") == "passed":
                continue
            exercise, mistake = exercise_of(test), str(extra.get("mistake", ""))
            if mistake:
                key = mistake.split("/", 1)[-1]
                tally = named.setdefault((exercise, key), Tally(exercise, key, class_view(exercise, key)))
            else:
                message = str(test.get("output", "")).split("\nhint: ")[0]
                shape = message_shape(message)
                tally = unnamed.setdefault((exercise, shape), Tally(exercise, shape, message[:300]))
            tally.add(learner)
    return Mistakes(len(results), named, unnamed)


def class_view(exercise: str, mistake: str) -> str:
    """What `mistake` (an id without its exercise) means, said once for a class; "" when none is declared."""
    declared = exercises.get(exercise).MISTAKES if exercise in exercises.NAMES else {}
    return declared.get(mistake) or feedback.MISTAKES.get(mistake, "")


def mistakes_csv(mistakes: Mistakes) -> bytes:
    """exercise, mistake, learners, share, example learners: named mistakes, most frequent first."""
    rows = [[exercise, tally.key, len(tally.learners), round(len(tally.learners) / max(mistakes.submissions, 1), 3),
             "; ".join(tally.learners[:EXAMPLES])]
            for exercise in exercises.NAMES for tally in mistakes.of(exercise, mistakes.named)]
    return csv_bytes(["exercise", "mistake", "learners", "share", "example learners"], rows)


def load_results(entries: list, out: Path) -> list[tuple[str, dict[str, Any]]]:
    """(learner, results) for each entry with a readable results file; the learner is its submission's name
    (its path in OUT without `.json`), shown `visible`."""
    found = []
    for entry in entries:
        try:
            results = json.loads(entry.out.read_text())
        except (OSError, ValueError):
            continue
        found.append((visible(entry.out.relative_to(out).with_suffix("").as_posix(), one_line=True), results))
    return found


def write(entries: list, out: Path, regrade: str = "") -> list[Path]:
    """Writes OUT/summary.csv, OUT/mistakes.csv and OUT/summary.html from the results files of `entries`.

    Args:
        entries: the batch's submissions (grader.grading.batch.Entry).
        out: the batch's output folder.
        regrade: a sentence on what a regrade changed (grader.grading.regrade), shown at the top of the page.
    """
    results = load_results(entries, out)
    rows = [(name, float(result.get("score", 0)), per_exercise(result)) for name, result in results]
    csv_path, mistakes_path, html_path = out / "summary.csv", out / "mistakes.csv", out / "summary.html"
    write_atomic(csv_path, csv_bytes(["submission", "total", *exercises.NAMES],
                                     [[name, total, *(scores[e][0] for e in exercises.NAMES)]
                                      for name, total, scores in rows]))
    mistakes = tally_mistakes(results)
    write_atomic(mistakes_path, mistakes_csv(mistakes))
    write_atomic(html_path, visible(_page(rows, mistakes, regrade)).encode())  # learner messages in it too
    return [csv_path, mistakes_path, html_path]


def _page(rows: list, mistakes: Mistakes, regrade: str) -> str:
    totals = [total for _, total, _ in rows]
    maximum = sum(exercises.get(name).POINTS for name in exercises.NAMES)
    rates = pass_rates(rows)
    width, height = pictures.FIGSIZE
    image = base64.b64encode(pictures.png(lambda figure: draw(figure, rows), (width, 2 * height + 0.8))).decode()
    mean = sum(totals) / len(totals) if totals else 0.0
    table = "".join(f"<tr><td>{html.escape(name)}</td><td>{rate:.0%}</td>"
                    f"<td>{mistakes.not_attempted(name)}</td></tr>"
                    for name, rate in zip(exercises.NAMES, rates))
    moved = f"<p><strong>Regrade:</strong> {html.escape(regrade)}</p>" if regrade else ""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'><title>Class summary</title>"
            f"<style>{STYLE}</style></head><body><main><h1>Class summary</h1>"
            f"<p>{len(rows)} submissions, mean score {mean:.2f} / {maximum:g}</p>{moved}"
            f"<img alt='score histogram and pass rate per exercise' src='data:image/png;base64,{image}'>"
            "<section><table><tr><th>exercise</th><th>full marks</th><th>not attempted</th></tr>"
            f"{table}</table></section>{mistakes_section(mistakes)}</main></body></html>")


def pass_rates(rows: list) -> list[float]:
    """Per exercise, the share of submissions with its full marks."""
    return [sum(1 for _, _, s in rows if s[name][1] and s[name][0] >= s[name][1] - 1e-9) / max(len(rows), 1)
            for name in exercises.NAMES]


def draw(figure: Any, rows: list) -> None:
    """The class at a glance: a histogram of total scores, one bar per whole score, above each exercise's
    pass rate."""
    import numpy as np

    scores, passes = figure.subplots(2, 1, gridspec_kw={"hspace": 0.55})
    maximum = sum(exercises.get(name).POINTS for name in exercises.NAMES)
    scores.hist([total for _, total, _ in rows], bins=np.arange(-0.5, np.ceil(maximum) + 1), rwidth=0.8,
                color="C0")
    scores.set(xlabel="total score (bars: nearest whole point)", ylabel="submissions",
               title=f"Scores of {len(rows)} submissions")
    pictures.counting(scores.xaxis)
    pictures.counting(scores.yaxis)
    # Each exercise's name inside its bar's row, so that long names do not widen the picture (a phone's).
    passes.barh(range(len(exercises.NAMES)), [100 * rate for rate in pass_rates(rows)], color="C2", alpha=0.45)
    for row, name in enumerate(exercises.NAMES):
        passes.text(1.5, row, name, va="center")
    passes.set(xlabel="% with full marks", xlim=(0, 100), yticks=[], title="Pass rate per exercise")
    passes.invert_yaxis()


def mistakes_section(mistakes: Mistakes) -> str:
    """Per exercise, the named mistakes by frequency with what each means, then the failures no mistake explains."""
    parts = []
    for exercise in exercises.NAMES:
        named = [t for t in mistakes.of(exercise, mistakes.named) if t.key != NOT_ATTEMPTED]
        unnamed = mistakes.of(exercise, mistakes.unnamed)
        if not named and not unnamed:
            continue
        rows = "".join(f"<tr><td><code>{html.escape(t.key)}</code><br><span class=hint>"
                       f"{html.escape(t.hint)}</span></td><td>{_count(t, mistakes)}</td></tr>" for t in named)
        body = (f"<table><tr><th>mistake: what it is</th><th class=who>learners</th></tr>{rows}</table>"
                if named else "<p>No named mistake.</p>")
        if unnamed:
            others = "".join(f"<tr><td><code>{html.escape(t.key)}</code><br><span class=hint>e.g. "
                             f"{html.escape(t.hint)}</span></td><td>{_count(t, mistakes)}</td></tr>"
                             for t in unnamed)
            body += ("<h3>Failures the grader does not name yet</h3>"
                     f"<table><tr><th>message, by shape</th><th class=who>learners</th></tr>{others}</table>")
        parts.append(f"<section><h2><code>{html.escape(exercise)}</code></h2>{body}</section>")
    return "<h2 id=mistakes>Mistakes by exercise</h2>" + "".join(parts) if parts else ""


def _count(tally: Tally, mistakes: Mistakes) -> str:
    examples = ", ".join(tally.learners[:EXAMPLES]) + (", …" if len(tally.learners) > EXAMPLES else "")
    return (f"{len(tally.learners)} ({len(tally.learners) / max(mistakes.submissions, 1):.0%})"
            f"<br><span class=hint>{html.escape(examples)}</span>")
