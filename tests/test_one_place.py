"""One exercise = one place: a new exercise needs its module, its solution, its chapter cell and its corpus
folder, and then `python -m grader.build`; nothing else is edited by hand.

In a copy of the repository, a throwaway seventh exercise is added in exactly those four places; after the
build, it is in the stubs, the notebook (its test cell worth its points), the sample attempt and README's
table, `grader check` gives the reference solutions every point of the seven exercises, and `grader grade`
and `grader selftest` grade it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COPIED = ("grader", "solutions", "exercises", "source", "benchmarks", "README.md", "pyproject.toml",
          "nbgrader_config.py")
NAME = "count_dense_layers"

MODULE = '''"""Exercise 7 (a throwaway, written by tests/test_one_place.py): count a model's Dense layers."""

from __future__ import annotations

from typing import Any

from grader.core.case import Case, hidden_rng
from grader.core.feedback import Mismatch

NAME = "count_dense_layers"
POINTS = 1.0
SECONDS = 30
COST = 0.01
SHIPPED = {"answer": "the reference's count, which the learner's is compared with"}
MISTAKES = {"wrong-count": "counted other layers than the Dense ones, or none"}


def cases(seed: int) -> list[Case]:
    public = Case(NAME, "two Dense layers", True, {"layers": [[4, "relu"], [3, "softmax"]]})
    depth = 2 + int(hidden_rng(seed, NAME, 0).integers(3))
    hidden = Case(NAME, f"{depth + 1} Dense layers", False, {"layers": [[4, "relu"]] * depth + [[3, "softmax"]]})
    return [public, hidden]


def run(function: Any, case: Case) -> dict[str, Any]:
    from grader.helpers import dense_model

    return {"answer": int(function(dense_model(5, case.spec["layers"])))}


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    if got["answer"] != expected["answer"]:
        raise Mismatch("Dense layers", expected["answer"], got["answer"], "count every layer of model.layers",
                       mistake="wrong-count")
'''

SOLUTION = '''

def count_dense_layers(model):
    """Counts the Dense layers of `model`.

    Returns:
        The number of Dense layers in the model.
    """
    ### BEGIN SOLUTION
    return len(model.layers)
    ### END SOLUTION
'''

CHAPTER_CELL = "<!-- markdown -->\n## 7. Counting layers\n<!-- exercise: count_dense_layers -->\n"

CORPUS = {
    "reference.py": '"""Counts model.layers."""\n# expect: pass\n\n\ndef count_dense_layers(model):\n'
                    "    return len(model.layers)\n",
    "forgets_the_output.py": '"""Leaves the output layer out."""\n# expect: fail: Dense layers\n'
                             "# mistake: wrong-count\n# sample attempt\n\n\n"
                             "def count_dense_layers(model):\n    return len(model.layers) - 1\n",
}


def run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run([sys.executable, *args], cwd=copy, env=environment, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, f"{args}: {done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with a seventh exercise in its four places, built."""
    root = tmp_path_factory.mktemp("repository")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    (root / "grader" / "exercises" / f"{NAME}.py").write_text(MODULE)
    with (root / "solutions" / "optimization.py").open("a") as solutions:
        solutions.write(SOLUTION)
    with (root / "grader" / "chapter" / "optimization.md").open("a") as chapter:
        chapter.write("\n" + CHAPTER_CELL)
    (root / "grader" / "corpus" / NAME).mkdir()
    for file_name, text in CORPUS.items():
        (root / "grader" / "corpus" / NAME / file_name).write_text(text)
    run(root, "-m", "grader.build")
    return root


def test_the_copy_runs_its_own_grader(copy: Path) -> None:
    done = run(copy, "-c", "import grader, grader.exercises as e; print(grader.__file__); print(e.NAMES[-1])")
    path, last = done.stdout.split()
    assert Path(path).is_relative_to(copy) and last == NAME


def test_the_build_puts_it_in_every_generated_file(copy: Path) -> None:
    assert f"def {NAME}(model):" in (copy / "exercises" / "optimization.py").read_text()
    cells = json.loads((copy / "source" / "optimization" / "optimization.ipynb").read_text())["cells"]
    tests = {c["id"]: c["metadata"]["nbgrader"]["points"] for c in cells if c["id"].startswith("test_")}
    assert tests[f"test_{NAME}"] == 1.0 and list(tests)[-1] == f"test_{NAME}"
    assert "len(model.layers) - 1" in (copy / "grader" / "examples" / "sample_attempt.py").read_text()
    assert f"| `{NAME}(model)` | The number of Dense layers in the model |" in (copy / "README.md").read_text()
    assert any(path.name.startswith(f"{NAME}-") for path in (copy / "grader" / "expected").iterdir())


def test_the_reference_solutions_get_every_point_of_the_seven_exercises(copy: Path) -> None:
    done = run(copy, "-m", "grader", "check", "solutions/optimization.py", "--quiet")
    points = run(copy, "-c", "from grader import exercises; print(len(exercises.NAMES), exercises.total_points())")
    count, total = points.stdout.split()
    assert count == "7"
    assert done.stdout.strip() == f"{float(total):g}/{float(total):g}"


def test_grade_and_selftest_grade_the_new_exercise(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run(copy, "-m", "grader", "grade", "grader/examples/sample_attempt.py", "--exercise", NAME, "--json", str(out),
        "--cache", str(tmp_path / "cache"))
    tests = json.loads(out.read_text())["tests"]
    assert tests and all(t["name"].startswith(f"{NAME}:") and t["score"] == 0 for t in tests)
    done = run(copy, "-m", "grader", "selftest", "--exercise", NAME, "--cache", str(tmp_path / "cache"))
    assert "2 of 2 variants got the verdict they should" in done.stdout
