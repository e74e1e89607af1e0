"""The command line: exit codes scripts can trust, and Gradescope's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from grader.grading.settings import DEFAULT_SEED_WARNING

REPO = Path(__file__).resolve().parent.parent
QUIET = {"capture_output": True, "text": True, "cwd": REPO, "timeout": 600}


def grader(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_a_missing_file_exits_1_saying_why() -> None:
    run = grader("grade", "no/such/file.py")
    assert run.returncode == 1
    assert "no such file" in run.stderr


def test_bad_usage_exits_2_and_help_exits_0() -> None:
    assert grader("frobnicate").returncode == 2
    helped = grader("grade", "--help")
    assert helped.returncode == 0 and "--json" in helped.stdout and "--seed" in helped.stdout


def test_an_invalid_choice_in_the_environment_exits_2_saying_which() -> None:
    run = subprocess.run([sys.executable, "-m", "grader", "grade", "x.py"], capture_output=True, text=True,
                         cwd=REPO, timeout=600, env={**os.environ, "GRADER_SHOW_HIDDEN": "bogus"})
    assert run.returncode == 2
    assert run.stderr.strip() == "grader: $GRADER_SHOW_HIDDEN is 'bogus'; choose one of full, verdict, score"


def test_grading_a_zero_score_exits_0_and_writes_results_json(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "results.json"
    run = grader("grade", "exercises/optimization.py", "--exercise", "compile_with_sgd", "--json", str(out),
                 "--cache", str(cache_dir))
    assert run.returncode == 0, run.stderr
    results = json.loads(out.read_text())
    assert results["score"] == 0 and results["tests"]
    assert all(t["name"].startswith("compile_with_sgd: ") for t in results["tests"])
    assert "not written yet" in run.stdout


def test_grading_without_a_seed_warns_that_anyone_can_draw_its_hidden_cases(cache_dir: Path) -> None:
    """The default seed's cases are anyone's: grade says so, unless a seed is given (option or environment)."""
    env = {key: value for key, value in os.environ.items() if key != "GRADER_SEED"}
    command = [sys.executable, "-m", "grader", "grade", "exercises/optimization.py", "--exercise", "compile_with_sgd",
               "--cache", str(cache_dir), "--quiet"]
    runs = {"default": subprocess.run(command, env=env, **QUIET),
            "--seed": subprocess.run([*command, "--seed", "7"], env=env, **QUIET),
            "$GRADER_SEED": subprocess.run(command, env={**env, "GRADER_SEED": "7"}, **QUIET)}
    assert all(run.returncode == 0 for run in runs.values()), {name: run.stderr for name, run in runs.items()}
    assert runs["default"].stderr.strip() == f"grader: warning: {DEFAULT_SEED_WARNING}"
    assert runs["--seed"].stderr == runs["$GRADER_SEED"].stderr == ""


def test_a_seed_in_the_environment_that_is_no_integer_exits_2_saying_so() -> None:
    run = subprocess.run([sys.executable, "-m", "grader", "grade", "x.py"], env={**os.environ, "GRADER_SEED": "abc"},
                         **QUIET)
    assert run.returncode == 2
    assert run.stderr.strip() == "grader: $GRADER_SEED is 'abc': give an integer (or unset it)"


def test_grade_and_check_show_a_learners_terminal_escapes_as_text(tmp_path: Path, cache_dir: Path) -> None:
    """Escapes in what a learner's code prints and raises (window title, cursor up, erase line, a line the
    grader never wrote) reach the terminal as text: no control character of theirs is written."""
    escapes = "\x1b]0;all graded OK\x07\x1b[1A\x1b[2K\r\x9b2Jcompile_with_sgd   2.00 / 2.00\x08"
    path = tmp_path / f"loud{escapes[:4]}.py"
    path.write_text(f"def compile_with_sgd(model, learning_rate):\n    print({escapes!r})\n"
                    f"    raise ValueError({escapes!r})\n")
    for command in (["grade", "--cache", str(cache_dir)], ["check"]):
        run = subprocess.run([sys.executable, "-m", "grader", *command, str(path), "--exercise", "compile_with_sgd"],
                             capture_output=True, cwd=REPO, timeout=600)
        assert run.returncode == 0, run.stderr
        text = (run.stdout + run.stderr).decode()
        assert not [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0], text
        assert text.count(r"\x1b]0;all graded OK\x07\x1b[1A\x1b[2K\x0d\x9b2J") >= 2, text  # message and output
        assert r"Grading loud\x1b]0;.py" in text
