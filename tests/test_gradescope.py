"""The Gradescope autograder zip: its run_autograder gives the same scores as `grader grade`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from grader import gradescope
from grader.grading import Settings, grade
from grader.submission import load

REPO = Path(__file__).resolve().parent.parent
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"


def test_run_autograder_writes_the_scores_grader_grade_gives(tmp_path: Path, cache_dir: Path) -> None:
    archive = gradescope.build(tmp_path / "autograder.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        zipped.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "solutions/optimization.py", "grader/cli.py"} <= set(names)
    (root / "submission").mkdir()
    (root / "submission" / "attempt.py").write_text(ATTEMPT.read_text())
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    env.pop("GRADER_SEED", None)
    subprocess.run(["bash", str(script)], check=True, env=env, timeout=600, capture_output=True)
    results = json.loads((root / "results" / "results.json").read_text())
    direct = grade(load(ATTEMPT), Settings(cache_dir=cache_dir))
    assert results["score"] == round(direct.score, 6)
    assert [t["name"] for t in results["tests"]] == [c.case.test_name for e in direct.exercises for c in e.cases]
    assert [t["score"] for t in results["tests"]] == [round(c.score, 6) for e in direct.exercises for c in e.cases]


def test_an_empty_submission_gets_a_results_file_saying_so(tmp_path: Path) -> None:
    archive = gradescope.build(tmp_path / "autograder.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    env = dict(os.environ, AUTOGRADER_ROOT=str(root))
    subprocess.run(["bash", str(root / "source" / "run_autograder")], check=True, env=env, timeout=60)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "No .py or .ipynb" in results["output"]
