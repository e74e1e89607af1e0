"""End-to-end verdicts: the reference gets full marks, stubs get zero, messy notebooks are read right."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from grader import exercises
from grader.core.submission import load
from grader.grading.grade import grade_all
from grader.grading.settings import Settings
from grader.output import report

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
STUBS = REPO / "exercises" / "optimization.py"


def messy_notebook(path: Path) -> Path:
    """The solutions spread over cells as learners write them, with magics, shell lines and failures."""
    source = SOLUTIONS.read_text()
    tree = ast.parse(source)
    functions = [ast.get_source_segment(source, node) for node in tree.body if isinstance(node, ast.FunctionDef)]
    cells = ["%matplotlib inline\nimport keras\nimport numpy as np", "!nvidia-smi", "import tensorflow as tf"]
    cells += [functions[0], "compile_with_sgd(undefined_model, 0.1)  # exploration that fails", functions[1]]
    cells += ["1 / 0", *functions[2:], "x = np.zeros(3)\nx?"]
    nb = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None}
                    for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture(scope="module")
def reports(cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, report.Report]:
    notebook = messy_notebook(tmp_path_factory.mktemp("nb") / "attempt.ipynb")
    paths = {"solutions": SOLUTIONS, "stubs": STUBS, "notebook": notebook}
    graded = grade_all([load(p) for p in paths.values()], Settings(cache_dir=cache_dir))
    return dict(zip(paths, graded))


def test_the_reference_solutions_get_full_marks(reports) -> None:
    assert reports["solutions"].score == pytest.approx(reports["solutions"].max_score) == exercises.total_points()


def test_the_stubs_get_zero_and_are_told_to_write_the_code(reports) -> None:
    stubs = reports["stubs"]
    assert [exercise.name for exercise in stubs.exercises] == list(exercises.NAMES)
    assert stubs.score == 0 and stubs.max_score == exercises.total_points()
    for exercise in stubs.exercises:
        assert exercise.cases and exercise.not_attempted, exercise.name
        assert all("not written yet" in case.hint for case in exercise.cases), exercise.name


def test_a_messy_notebook_is_graded_on_its_definitions(reports) -> None:
    graded = reports["notebook"]
    assert graded.score == pytest.approx(exercises.total_points()), report.text(graded)
    failed = [(e["where"], e["type"]) for e in graded.load_errors]
    assert failed == [("cell 5", "NameError"), ("cell 7", "ZeroDivisionError")]


def test_gradescope_results_name_each_test_by_its_exercise(reports) -> None:
    results = report.gradescope(reports["stubs"])
    assert set(results) >= {"score", "execution_time", "output", "tests"}
    assert results["score"] == 0
    cases = [case for exercise in reports["stubs"].exercises for case in exercise.cases]
    assert len(results["tests"]) == len(cases) >= len(exercises.NAMES)
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(exercises.total_points())
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output"} <= set(test)
        assert test["name"].split(":")[0] in exercises.NAMES
    assert {test["name"].split(":")[0] for test in results["tests"]} == set(exercises.NAMES)


def test_public_checks_need_no_reference_solutions(cache_dir: Path, tmp_path: Path) -> None:
    settings = Settings(public_only=True, reference_path=tmp_path / "absent.py", cache_dir=tmp_path / "empty")
    [graded] = grade_all([load(SOLUTIONS)], settings)
    assert graded.score == graded.max_score == exercises.total_points()
    assert all(case.case.public for e in graded.exercises for case in e.cases)
