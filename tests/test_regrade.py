"""A regrade with another seed lists exactly the learners whose scores changed (`batch --compare`, `diff`)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

from grader.exercises import compile_with_sgd

REPO = Path(__file__).resolve().parent.parent
RIGHT = '''import keras

def compile_with_sgd(model, learning_rate):
    rate = learning_rate
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
    return model
'''
# Each bug shows only on some seeds: on the hidden case whose large learning rate falls on its side of 0.5.
SOURCES = {
    "right": RIGHT,
    "wrong_above_half": RIGHT.replace(
        "rate = learning_rate", "rate = learning_rate * (2 if learning_rate > 0.5 else 1)"),
    "wrong_from_a_fifth_to_half": RIGHT.replace(
        "rate = learning_rate", "rate = learning_rate * (2 if 0.2 < learning_rate <= 0.5 else 1)"),
    "adam": RIGHT.replace("SGD(", "Adam("),
    "blank": "def compile_with_sgd(model, learning_rate):\n    raise NotImplementedError\n",
}


def large_rate(seed: int) -> float:
    return max(case.spec["learning_rate"] for case in compile_with_sgd.cases(seed) if not case.public)


def batch(folder: Path, out: Path, seed: int, cache_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--seed",
                          str(seed), "--cache", str(cache_dir), "--exercise", "compile_with_sgd", *extra],
                         capture_output=True, text=True, timeout=900, cwd=REPO)
    assert run.returncode == 0, run.stderr
    return run


def case_scores(out: Path) -> dict[str, list[float]]:
    return {path.name.removesuffix(".json"): [t["score"] for t in json.loads(path.read_text())["tests"]]
            for path in out.glob("*.json")}


def test_a_regrade_with_another_seed_lists_exactly_the_learners_whose_scores_changed(
        cache_dir: Path, tmp_path: Path) -> None:
    seeds = range(200)
    first = next(s for s in seeds if large_rate(s) > 0.5)
    second = next(s for s in seeds if 0.2 < large_rate(s) <= 0.5)
    folder = tmp_path / "class"
    folder.mkdir()
    for name, source in SOURCES.items():
        (folder / f"{name}.py").write_text(source)
    old, new = tmp_path / "old", tmp_path / "new"
    batch(folder, old, first, cache_dir)
    run = batch(folder, new, second, cache_dir, "--compare", str(old))

    before, after = case_scores(old), case_scores(new)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"wrong_above_half.py", "wrong_from_a_fifth_to_half.py"}  # the seeds do what they should

    listed = {row["learner"] for row in csv.DictReader((new / "regrade.csv").open())}
    assert listed == changed
    report = run.stderr
    assert "wrong_above_half.py: 1.5 -> 2 (up)" in report
    assert "wrong_from_a_fifth_to_half.py: 2 -> 1.5 (down)" in report
    assert "before: learning rate: expected" in report  # the old message, beside the new one
    moved = {line.split(":")[0] for line in report.splitlines() if line.endswith(("(up)", "(down)", "(same)"))}
    assert moved == changed
    sentence = "2 learner(s) changed score since the previous grading: 1 up, 1 down; 3 unchanged."
    page = (new / "summary.html").read_text()
    assert sentence in report and sentence in page
    # The blank submission is counted as not attempted, not as a mistake.
    assert re.search(r"<td>compile_with_sgd</td><td>\d+%</td><td>1</td>", page)
    mistakes = {row["mistake"]: row for row in csv.DictReader((new / "mistakes.csv").open())}
    assert mistakes["not-attempted"]["example learners"] == "blank.py"
    assert mistakes["wrong-optimizer"]["example learners"] == "adam.py"

    diff = subprocess.run([sys.executable, "-m", "grader", "diff", str(old), str(new)], capture_output=True,
                          text=True, timeout=300, cwd=REPO)
    assert diff.returncode == 0, diff.stderr
    assert sentence in diff.stdout and "wrong_above_half.py: 1.5 -> 2 (up)" in diff.stdout
    assert {line.split(":")[0] for line in diff.stdout.splitlines() if not line.startswith(" ")} == changed | {
        sentence.split(":")[0]}
    # A previous grading written before results kept the suffix (OUT/adam.json) compares the same.
    for path in old.glob("*.py.json"):
        path.rename(old / path.name.replace(".py.json", ".json"))
    legacy = subprocess.run([sys.executable, "-m", "grader", "diff", str(old), str(new)], capture_output=True,
                            text=True, timeout=300, cwd=REPO)
    assert legacy.stdout == diff.stdout
