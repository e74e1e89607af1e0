"""`grader batch` names the class's mistakes: OUT/mistakes.csv and the summary's section, with the
failures the grader cannot name grouped by the shape of their message."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grader import exercises
from grader.authoring import selftest
from grader.core import feedback
from grader.exercises import dead_neuron_mask, first_batch, trainable_deep_model
from grader.output import summary

REPO = Path(__file__).resolve().parent.parent
EXERCISE = "dead_neuron_mask"
# Two learners whose code fails in a way the grader does not name, with messages of one shape.
UNNAMED = '''def dead_neuron_mask(model, x):
    raise ValueError("layer {n} has {n} units, which I did not expect")
'''


def test_a_batch_of_the_corpus_counts_each_variant_under_its_declared_mistake(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    variants = selftest.variants((EXERCISE,))
    for variant in variants:
        shutil.copy(variant.path, folder / variant.path.name)
    for n in (3, 17):
        (folder / f"unnamed_{n}.py").write_text(UNNAMED.replace("{n}", str(n)))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache",
                          str(cache_dir), "--exercise", EXERCISE], capture_output=True, text=True, timeout=900,
                         cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "mistakes.csv" in run.stderr

    rows = list(csv.DictReader((out / "mistakes.csv").open()))
    assert rows and set(rows[0]) == {"exercise", "mistake", "learners", "share", "example learners"}
    counts = {row["mistake"]: int(row["learners"]) for row in rows if row["exercise"] == EXERCISE}
    wrong = [v for v in variants if not v.expect_pass]
    for mistake in {v.mistake.split("/", 1)[1] for v in wrong}:
        assert counts[mistake] >= sum(v.mistake.endswith("/" + mistake) for v in wrong), mistake
    learners = len(variants) + 2
    for row in rows:
        assert float(row["share"]) == round(int(row["learners"]) / learners, 3)
    assert [int(row["learners"]) for row in rows] == sorted((int(row["learners"]) for row in rows), reverse=True)

    page = (out / "summary.html").read_text()
    section = page.split("Mistakes by exercise")[1]
    for mistake in counts:
        assert f"<code>{mistake}</code>" in section
    # Each mistake with what it means for a class, not the first learner's own hint.
    assert dead_neuron_mask.MISTAKES["non-relu-layers"] in section
    assert "only ReLU layers belong in the dict" not in section
    # The two unnamed failures are one shape, counted once with both learners.
    unnamed = section.split("Failures the grader does not name yet")[1]
    assert "ValueError: layer N has N units, which I did not expect" in unnamed
    assert "unnamed_3.py, unnamed_17.py" in unnamed or "unnamed_17.py, unnamed_3.py" in unnamed


# A class where two of three files lack compile_with_sgd: one has nothing of that name, one a near name.
ABSENT = '''def some_helper(model):
    return model
'''
MISNAMED = '''import keras

def compile_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''


def test_a_missing_function_is_not_attempted_and_a_near_name_is_misnamed(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "absent.py").write_text(ABSENT)
    (folder / "misnamed.py").write_text(MISNAMED)
    (folder / "right.py").write_text(MISNAMED.replace("def compile_sgd", "def compile_with_sgd"))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache",
                          str(cache_dir), "--exercise", "compile_with_sgd"], capture_output=True, text=True,
                         timeout=900, cwd=REPO)
    assert run.returncode == 0, run.stderr

    rows = {row["mistake"]: row for row in csv.DictReader((out / "mistakes.csv").open())}
    assert set(rows) == {"not-attempted", "misnamed-function"}
    assert rows["not-attempted"]["example learners"] == "absent.py"
    assert rows["misnamed-function"]["example learners"] == "misnamed.py"
    page = (out / "summary.html").read_text()
    assert "<tr><td>compile_with_sgd</td><td>33%</td><td>1</td></tr>" in page  # the "not attempted" column
    absent = json.loads((out / "absent.py.json").read_text())["tests"][0]["output"]
    assert "not attempted yet (the file has no function of that name)" in absent
    misnamed = json.loads((out / "misnamed.py.json").read_text())["tests"][0]["output"]
    assert "your file defines compile_sgd instead" in misnamed


def test_every_mistake_an_exercise_names_has_a_class_view() -> None:
    """Each mistake id in an exercise's checks (`mistake="id"`, or a (hints, "id") pair) and in the grader's
    own failures is explained once for a class."""
    raised = re.compile(r'mistake="([a-z-]+)"|\)\s*,\s*"([a-z]+(?:-[a-z]+)+)"\s*\)')
    for name in exercises.NAMES:
        source = (REPO / "grader" / "exercises" / f"{name}.py").read_text()
        ids = {a or b for a, b in raised.findall(source)}
        ids |= {first_batch.MISTAKE} if "first_batch.mismatch(" in source else set()
        assert ids, name
        assert not {i for i in ids if not summary.class_view(name, i)}, name
    assert set(trainable_deep_model.STARTS) <= set(trainable_deep_model.MISTAKES)
    grader_own = [*sorted((REPO / "grader" / "grading").glob("*.py")), REPO / "grader" / "core" / "feedback.py",
                  REPO / "grader" / "core" / "answers.py"]
    grading = "".join(path.read_text() for path in grader_own)
    general = set(re.findall(r',\s*"([a-z]+(?:-[a-z]+)+)"\)', grading)) | {feedback.NOT_ATTEMPTED}
    assert general and general <= set(feedback.MISTAKES), general - set(feedback.MISTAKES)
