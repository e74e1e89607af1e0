"""Verdicts do not depend on how busy the machine is.

Time limits count the learner's CPU time, so CPU hogs beside the grader (twice as many busy loops as
cores) slow the code down without bringing it closer to its limit: correct code keeps full marks in
`grader grade`, `grader batch` and nbgrader autograde, and code that needs half its limit of CPU time
passes though it gets a fraction of a core. A loop is still stopped by its CPU time; code that sleeps
(using no CPU) by the wall-clock backstop, `wall_factor` times the limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_nbgrader import ASSIGNMENT, NOTEBOOK, course, finish, start_nbgrader, submission  # noqa: F401

from grader import exercises
from grader.core.limits import Limits
from grader.core.submission import Submission
from grader.grading.grade import grade_all
from grader.grading.settings import DEFAULT_REFERENCE, Settings

REPO = Path(__file__).resolve().parent.parent
TOTAL = sum(module.POINTS for module in exercises.load_all())
HOGS = 2 * (os.cpu_count() or 2)
# compile_with_sgd's limit, 20 s x 0.15 = 3 s of CPU time: its cases take about 0.5 s of it.
QUICK = dict(time_scale=0.15)


@pytest.fixture(scope="module")
def hogs():
    """Busy loops, twice as many as cores, for as long as the module's tests run."""
    # Each in a session of its own, as the grader's children are: with the kernel's autogroup scheduling
    # (sessions share the CPU as groups), hogs in the test's own session would share one group's share
    # and barely slow the children down.
    processes = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
                 for _ in range(HOGS)]
    yield
    for process in processes:
        process.kill()
        process.wait()


def grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=1800)


def compile_with_sgd_after(code: str, settings: Settings):
    """The reference solutions with compile_with_sgd first running `code` (once), graded on that exercise."""
    wrapped = f'''
_compile_with_sgd = compile_with_sgd
_done = []

def compile_with_sgd(model, learning_rate):
    if not _done:
        _done.append(1)
{"".join("        " + line + chr(10) for line in code.splitlines())}
    return _compile_with_sgd(model, learning_rate)
'''
    submission = Submission(Path("x.py"), [DEFAULT_REFERENCE.read_text() + wrapped], tolerant=False)
    return grade_all([submission], settings)[0]


def test_code_that_needs_half_its_cpu_limit_passes_on_a_fraction_of_a_core(hogs, cache_dir: Path) -> None:
    settings = Settings(cache_dir=cache_dir, only=("compile_with_sgd",), limits=Limits(**QUICK))
    burn = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 1.2:\n    pass"
    report = compile_with_sgd_after(burn, settings)
    assert report.score == report.max_score, [c.message for e in report.exercises for c in e.cases]
    assert 1.2 < report.cpu_seconds < 3.0
    # what a wall-clock limit would have cost it: the hogs leave it a fraction of a core
    assert report.seconds > 3.0, "the hogs did not slow the grading: this test shows nothing"


def test_a_loop_is_stopped_by_its_cpu_time(hogs, cache_dir: Path) -> None:
    # a large backstop, so that only the CPU time can stop it
    settings = Settings(cache_dir=cache_dir, only=("compile_with_sgd",), limits=Limits(**QUICK, wall_factor=30))
    report = compile_with_sgd_after("while True:\n    pass", settings)
    assert report.score == 0
    assert "no answer within 3 s, the time limit of compile_with_sgd" in report.exercises[0].cases[0].message
    assert 3.0 <= report.cpu_seconds < 4.5 and report.seconds > report.cpu_seconds


def test_code_that_sleeps_is_stopped_by_the_wall_clock_backstop(cache_dir: Path) -> None:
    settings = Settings(cache_dir=cache_dir, only=("compile_with_sgd",), limits=Limits(**QUICK, wall_factor=2))
    report = compile_with_sgd_after("import time\ntime.sleep(600)", settings)
    assert report.score == 0
    assert "no answer within 3 s, the time limit of compile_with_sgd" in report.exercises[0].cases[0].message
    assert report.cpu_seconds < 3.0 and 6.0 <= report.seconds < 60


def test_grade_gives_correct_code_full_marks_beside_cpu_hogs(hogs, cache_dir: Path) -> None:
    run = grader("grade", str(DEFAULT_REFERENCE), "--cache", str(cache_dir), "--quiet")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"{TOTAL:g}/{TOTAL:g}"


def test_batch_gives_correct_code_full_marks_beside_cpu_hogs(hogs, cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for index in range(3):
        (folder / f"learner_{index}.py").write_text(DEFAULT_REFERENCE.read_text())
    run = grader("batch", str(folder), "--out", str(tmp_path / "out"), "--cache", str(cache_dir))
    assert run.returncode == 0, run.stderr
    scores = [json.loads(path.read_text())["score"] for path in sorted((tmp_path / "out").glob("learner_*.json"))]
    assert scores == pytest.approx([TOTAL] * 3)


def test_nbgrader_autograde_gives_correct_code_full_marks_beside_cpu_hogs(hogs, course: Path) -> None:  # noqa: F811
    path = course / "submitted" / "correct" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(submission(course, "correct"), path)
    finish(start_nbgrader(course, "autograde", ASSIGNMENT))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        found = gb.find_submission(ASSIGNMENT, "correct")
        assert found.score == pytest.approx(found.max_score) and found.max_score > 0
