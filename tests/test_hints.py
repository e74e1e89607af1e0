"""Learners: an exercise not written yet is "not attempted"; `grader hint` walks a mistake's hints in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grader.core.feedback import Failure
from grader.exercises import compile_with_sgd
from grader.output.hints import STATE

REPO = Path(__file__).resolve().parent.parent
STUBS = REPO / "exercises" / "optimization.py"
ADAM = '''import keras

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''
MOMENTUM = ADAM.replace("Adam(learning_rate=learning_rate)", "SGD(learning_rate=learning_rate, momentum=0.9)")


def grader(*args: str, cwd: Path = REPO) -> str:
    run = subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=600, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return " ".join(run.stdout.split())


def test_the_stubs_are_not_attempted_rather_than_failing(tmp_path: Path) -> None:
    stubs = tmp_path / "optimization.py"
    stubs.write_text(STUBS.read_text())
    printed = grader("check", str(stubs))
    from grader import exercises

    for name in exercises.NAMES:
        assert f"{name} 0.00 / " in printed
        assert f"not attempted hint: {name} is not written yet: replace `raise NotImplementedError`" in printed
    assert "FAIL" not in printed and "Traceback" not in printed


def ladder(mistake: str) -> tuple[str, ...]:
    """The hints compile_with_sgd's check gives for one of its mistakes."""
    case = compile_with_sgd.cases(0)[0]
    got = {"is_model": True, "same_model": True, "optimizer": "SGD", "learning_rate": 0.01, "momentum": 0.9,
           "nesterov": False}
    if mistake == "wrong-optimizer":
        got["optimizer"] = "Adam"
    try:
        compile_with_sgd.check(case, got, {"learning_rate": 0.01})
    except Failure as failure:
        assert failure.mistake == mistake
        return failure.hints
    raise AssertionError("no failure")


def test_hint_walks_the_ladder_of_the_current_mistake_in_order(tmp_path: Path) -> None:
    attempt = tmp_path / "attempt.py"
    attempt.write_text(ADAM)
    hints = ladder("wrong-optimizer")
    assert len(hints) == 3 and len(set(hints)) == 3

    checked = grader("check", str(attempt), "--exercise", "compile_with_sgd")
    assert " ".join(hints[0].split()) in checked and " ".join(hints[1].split()) not in checked
    second = grader("hint", str(attempt), "compile_with_sgd")
    assert "hint 2 of 3 (mistake: wrong-optimizer)" in second and " ".join(hints[1].split()) in second
    third = grader("hint", str(attempt), "compile_with_sgd")
    assert "hint 3 of 3" in third and " ".join(hints[2].split()) in third and "last hint" in third
    assert "hint 3 of 3" in grader("hint", str(attempt), "compile_with_sgd")  # the ladder ends there

    # Another mistake has its own ladder; the state is a small file beside the learner's work.
    attempt.write_text(MOMENTUM)
    other = grader("hint", str(attempt), "compile_with_sgd")
    assert "hint 2 of 3 (mistake: momentum)" in other and " ".join(ladder("momentum")[1].split()) in other
    state = json.loads((tmp_path / STATE).read_text())
    assert state["shown"] == {"compile_with_sgd/wrong-optimizer": 3, "compile_with_sgd/momentum": 2}


def test_hint_on_a_passing_exercise_says_none_is_needed(tmp_path: Path) -> None:
    attempt = tmp_path / "attempt.py"
    attempt.write_text(ADAM.replace("Adam(", "SGD("))
    assert "passes its public checks: no hint needed" in grader("hint", str(attempt), "compile_with_sgd")
