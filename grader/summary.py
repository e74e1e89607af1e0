"""The class summary of a batch: a CSV of per-exercise scores and a page of pictures."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from pathlib import Path
from typing import Any

from grader import exercises
from grader.html import STYLE
from grader.plain import write_atomic


def per_exercise(results: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(score, max) per exercise from a Gradescope results dict (test names start with the exercise)."""
    scores = {name: (0.0, 0.0) for name in exercises.NAMES}
    for test in results.get("tests", []):
        name = str(test.get("name", "")).split(":")[0]
        if name in scores:
            score, maximum = scores[name]
            scores[name] = (score + float(test.get("score", 0)), maximum + float(test.get("max_score", 0)))
    return scores


def write(entries: list, out: Path) -> list[Path]:
    """Writes OUT/summary.csv and OUT/summary.html from the results files of `entries`."""
    rows = []
    for entry in entries:
        try:
            results = json.loads(entry.out.read_text())
        except (OSError, ValueError):
            continue
        rows.append((str(entry.out.relative_to(out).with_suffix("")), float(results.get("score", 0)),
                     per_exercise(results)))
    csv_path, html_path = out / "summary.csv", out / "summary.html"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", "total", *exercises.NAMES])
    for name, total, scores in rows:
        writer.writerow([name, f"{total:g}", *(f"{scores[e][0]:g}" for e in exercises.NAMES)])
    write_atomic(csv_path, buffer.getvalue().encode())
    write_atomic(html_path, _page(rows).encode())
    return [csv_path, html_path]


def _page(rows: list) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=110)
    totals = [total for _, total, _ in rows]
    maximum = sum(exercises.get(name).POINTS for name in exercises.NAMES)
    left.hist(totals, bins=20, range=(0, maximum), color="C0")
    left.set(xlabel="total score", ylabel="submissions", title=f"Scores of {len(rows)} submissions")
    rates = [sum(1 for _, _, s in rows if s[name][1] and s[name][0] >= s[name][1] - 1e-9) / max(len(rows), 1)
             for name in exercises.NAMES]
    right.barh(list(exercises.NAMES), [100 * r for r in rates], color="C2")
    right.set(xlabel="% with full marks", xlim=(0, 100), title="Pass rate per exercise")
    right.invert_yaxis()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    image = base64.b64encode(buffer.getvalue()).decode()
    mean = sum(totals) / len(totals) if totals else 0.0
    table = "".join(f"<tr><td>{html.escape(name)}</td><td>{rate:.0%}</td></tr>"
                    for name, rate in zip(exercises.NAMES, rates))
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'><title>Class summary</title>"
            f"<style>{STYLE}</style></head><body><main><h1>Class summary</h1>"
            f"<p>{len(rows)} submissions, mean score {mean:.2f} / {maximum:g}</p>"
            f"<img alt='score histogram and pass rate per exercise' src='data:image/png;base64,{image}'>"
            f"<section><table><tr><th>exercise</th><th>full marks</th></tr>{table}</table></section>"
            "</main></body></html>")
