"""nbgrader end to end: a course built from this repository, released, submitted, autograded, fed back.

Runs the real `nbgrader` command (generate_assignment, autograde, generate_feedback) on a temporary copy
of the course, with five learners:

- `correct`: the reference solutions, plus a cell that writes to stderr as TensorFlow does;
- `wrong_one`: compile_with_sgd compiles with Adam instead of SGD (compare_learning_rates uses it, so fails too);
- `blank`: the release as handed out;
- `crashing_one`: dead_neuron_mask never returns (the grader must stop it at its time limit);
- `tamperer`: the stubs, plus a cell that attacks a kernel-based autograder (an input transformer that
  turns every test cell into `2.0`, `sys.settrace`, redefined builtins, a patched `grader.check`) and
  test cells edited to show full marks.

Every score in the gradebook must equal what `grader grade` gives the same notebook. One autograde call
grades all five; the looping exercise costs its full time limit (60 s), which is the point of the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import exercises
from grader.authoring import generate
from grader.core.results import Report
from grader.core.submission import load
from grader.grading.grade import grade_all
from grader.grading.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
VENV_BIN = Path(sys.executable).parent
ASSIGNMENT = NOTEBOOK = "optimization"
SEED = 0  # the grader's default seed, so the session's reference cache is shared with the other tests
STUDENTS = ("correct", "wrong_one", "blank", "crashing_one", "tamperer")

# What TensorFlow writes to stderr on import and on the first model: through Python and straight to fd 2.
STDERR_CELL = '''import os
import sys

sys.stderr.write("2025-01-01 12:00:00.000000: I tensorflow/core/util/port.cc:153] oneDNN custom operations "
                 "are on. You may see slightly different numerical results.\\n")
os.write(2, b"W0000 00:00:1735732800.000000 cuda_executor.cc:1001] could not open file to read NUMA node\\n")
'''

TAMPER_CELL = '''import builtins
import sys

import grader


def _full_marks(lines):
    """Turns every later autograder cell into `2.0`, which nbgrader reads as full partial credit."""
    return ["2.0\\n"] if any("check(" in line for line in lines) else lines


try:
    get_ipython().input_transformers_cleanup.append(_full_marks)
except NameError:
    pass
sys.settrace(lambda frame, event, arg: None)
builtins.isinstance = lambda obj, kind: True
builtins.NotImplementedError = type("NotImplementedError", (BaseException,), {})
grader.check = lambda *args, **kwargs: 2.0
check = lambda *args, **kwargs: 2.0  # noqa: E731
'''

WRONG_COMPILE = '''def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''

LOOPING_MASK = '''def dead_neuron_mask(model, x):
    while True:
        pass
'''


def solution_bodies() -> list[str]:
    """The non-trivial lines between `### BEGIN SOLUTION` and `### END SOLUTION` in the solutions."""
    regions = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", SOLUTIONS.read_text(), re.DOTALL)
    lines = [line.strip() for region in regions for line in region.splitlines()]
    return [line for line in lines if len(line) >= 12 and re.search(r"[A-Za-z]", line)]


def solution_functions() -> dict[str, str]:
    """Each exercise's function as a learner would write it: the solution without nbgrader's markers."""
    return {name: "\n".join(line for line in text.splitlines() if "### " not in line) + "\n"
            for name, text in generate.function_sources().items() if name in exercises.NAMES}


def start_nbgrader(course: Path, *args: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "GRADER_SEED"}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader shells out to `alembic`
    # Only the course's own config: no user or system nbgrader_config.py may change the run.
    env["JUPYTER_CONFIG_DIR"] = str(course / ".jupyter")
    return subprocess.Popen([str(VENV_BIN / "nbgrader"), *args], cwd=course, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: float = 1800) -> str:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"{' '.join(process.args)} took over {timeout} s:\n{output}")
    assert process.returncode == 0, f"{' '.join(process.args)} failed:\n{output}"
    return output


def nbgrader(course: Path, *args: str) -> str:
    return finish(start_nbgrader(course, *args))


@pytest.fixture(scope="module")
def course(cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course copied from this repository, with the assignment generated (released)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "source", root / "source")
    config = (REPO / "nbgrader_config.py").read_text()
    config += f"\nc.GradeOutsideKernel.seed = {SEED}\nc.GradeOutsideKernel.cache_dir = {str(cache_dir)!r}\n"
    (root / "nbgrader_config.py").write_text(config)
    (root / ".jupyter").mkdir()
    nbgrader(root, "generate_assignment", ASSIGNMENT)
    return root


def released(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def code_cell(source: str, **fields: object) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, **fields)


def submission(course: Path, student: str) -> nbformat.NotebookNode:
    """The learner's notebook: the release with its solution cells filled in, and any cells of their own."""
    nb = released(course)
    functions = solution_functions()
    answers = {"correct": functions,
               "wrong_one": {**functions, "compile_with_sgd": WRONG_COMPILE},
               "crashing_one": {**functions, "dead_neuron_mask": LOOPING_MASK}}.get(student, {})
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
        if student == "tamperer" and meta.get("grade") and not meta.get("solution"):
            # Edited by hand in the JSON: the test cell claims full marks.
            cell.source = "2.0"
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2.0"},
                                                   execution_count=1)]
    extra = []
    if student != "blank":
        extra.append(code_cell(STDERR_CELL, outputs=[nbformat.v4.new_output(
            "stream", name="stderr", text="I tensorflow/core/util/port.cc:153] oneDNN custom operations are on.\n")]))
    if student == "tamperer":
        extra.append(code_cell(TAMPER_CELL))
    imports = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    nb.cells[imports + 1:imports + 1] = extra
    return nb


@pytest.fixture(scope="module")
def graded(course: Path, cache_dir: Path) -> tuple[dict[str, dict[str, float]], dict[str, Report]]:
    """Each learner's gradebook scores after one `nbgrader autograde` (per exercise, and "total"), and
    `grader grade`'s report on the same submitted notebook."""
    paths = {student: course / "submitted" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb" for student in STUDENTS}
    for student, path in paths.items():
        path.parent.mkdir(parents=True)
        nbformat.write(submission(course, student), path)
    autograde = start_nbgrader(course, "autograde", ASSIGNMENT)
    # The grader's own verdicts, meanwhile: nbgrader grades one notebook at a time and mostly waits on
    # the looping exercise's time limit, so this costs little extra time.
    try:
        reports = dict(zip(STUDENTS, grade_all([load(path) for path in paths.values()],
                                               Settings(seed=SEED, cache_dir=cache_dir))))
    except BaseException:
        autograde.kill()
        autograde.communicate()
        raise
    finish(autograde)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            cells = {name: gb.find_grade(f"test_{name}", NOTEBOOK, ASSIGNMENT, student).score
                     for name in exercises.NAMES}
            scores[student] = {**cells, "total": gb.find_submission(ASSIGNMENT, student).score}
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return scores, reports


@pytest.fixture(scope="module")
def autograded(graded) -> dict[str, dict[str, float]]:
    return graded[0]


def test_the_release_holds_no_solution_code_and_no_hidden_tests(course: Path) -> None:
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    source_text = "\n".join(cell.source for cell in source.cells)
    release_text = "\n".join(cell.source for cell in released(course).cells)
    bodies = solution_bodies()
    assert len(bodies) >= 15 and all(line in source_text for line in bodies)  # what is looked for is there
    assert [line for line in bodies if line in release_text] == []
    for marker in ("BEGIN HIDDEN TESTS", "hidden=True", "BEGIN SOLUTION"):
        assert marker in source_text
        assert marker not in release_text
    tests = [c for c in released(course).cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in tests] == [f"test_{name}" for name in exercises.NAMES]


def test_each_learner_gets_exactly_the_points_earned(autograded: dict[str, dict[str, float]]) -> None:
    full = {name: exercises.get(name).POINTS for name in exercises.NAMES}
    total = exercises.total_points()
    assert autograded["correct"] == {**full, "total": total}
    assert autograded["blank"] == {**{name: 0.0 for name in exercises.NAMES}, "total": 0.0}
    # Stubs with a kernel attack: no point they did not earn.
    assert autograded["tamperer"] == autograded["blank"]
    # The loop costs its own exercise only; the others are graded as usual.
    assert autograded["crashing_one"] == {**full, "dead_neuron_mask": 0.0,
                                          "total": total - full["dead_neuron_mask"]}
    # Adam in compile_with_sgd also fails compare_learning_rates, which compiles through it as asked.
    assert autograded["wrong_one"] == {**full, "compile_with_sgd": 0.0, "compare_learning_rates": 0.0,
                                       "total": total - full["compile_with_sgd"] - full["compare_learning_rates"]}


def test_the_gradebook_agrees_with_the_grader(graded) -> None:
    autograded, reports = graded
    for student, report in reports.items():
        assert autograded[student]["total"] == pytest.approx(report.score), student
        for exercise in report.exercises:
            assert autograded[student][exercise.name] == pytest.approx(exercise.score), (student, exercise.name)


def test_feedback_shows_the_graders_verdicts(course: Path, autograded: dict[str, dict[str, float]]) -> None:
    feedback = {s: course / "feedback" / s / ASSIGNMENT / f"{NOTEBOOK}.html" for s in STUDENTS}
    assert all(path.is_file() for path in feedback.values()), sorted(map(str, course.glob("feedback/**/*")))
    html = {student: path.read_text() for student, path in feedback.items()}
    assert "hint:" not in html["correct"]
    for student in ("wrong_one", "blank", "crashing_one", "tamperer"):
        assert "hint:" in html[student], student
    assert f"no answer within {exercises.get('dead_neuron_mask').SECONDS:g} s" in html["crashing_one"]  # its limit
    assert "not written yet" in html["blank"]
    for name in exercises.NAMES:
        assert name in html["correct"]


def test_the_plugin_cannot_be_switched_off() -> None:
    from traitlets.config import Config

    from grader.platforms.nbgrader_plugin import GradeOutsideKernel

    # Off, it would leave every test cell without output: full marks in nbgrader's eyes.
    assert GradeOutsideKernel(config=Config({"GradeOutsideKernel": {"enabled": False}})).enabled


def test_a_test_cell_the_grader_does_not_score_gets_no_points(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbgrader.utils import determine_grade

    from grader.platforms import nbgrader_plugin

    nb = released(course)
    stray = code_cell("assert True", metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                            "points": 3, "grade_id": "test_extra"}})
    nb.cells.append(stray)
    monkeypatch.setattr(nbgrader_plugin, "grade", lambda submission, settings: Report(Path("x"), False, []))
    graded, _ = nbgrader_plugin.GradeOutsideKernel().preprocess(nb, {})
    tests = [cell for cell in graded.cells if nbgrader_plugin.is_autograder_cell(cell)]
    # Every test cell is there (the grader scored none of them here, the stray one never), and each scores 0.
    assert [cell.metadata.nbgrader.grade_id for cell in tests] == [f"test_{name}" for name in exercises.NAMES] + [
        "test_extra"]
    assert {cell.metadata.nbgrader.grade_id: determine_grade(cell)[0] for cell in tests} == {
        cell.metadata.nbgrader.grade_id: 0 for cell in tests}
