"""The Gradescope autograder zip: its scripts, and a wheel of this package with the reference solutions.

That the zip installs and grades with `grader grade`'s score is shown from a real install, outside the
repository, in tests/test_install.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from grader.core import course
from grader.platforms import gradescope


def test_the_zip_holds_its_scripts_and_a_wheel_with_the_reference_solutions(tmp_path: Path) -> None:
    """Built as an instructor who gives no seed builds it: the zip grades with a new random seed, printed."""
    archive = tmp_path / "autograder.zip"
    env = {key: value for key, value in os.environ.items() if key != "GRADER_SEED"}
    built = subprocess.run([sys.executable, "-m", "grader", "gradescope", "build", str(archive)], env=env,
                           cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    seed = int(re.search(r"a new random seed, (\d+)", built.stdout).group(1))
    assert seed > 2**32  # 128 random bits: not a seed anyone tries (fails once in 2**96 builds)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        (wheel,) = [name for name in names if name.endswith(".whl")]
        assert set(names) == {"setup.sh", "run_autograder", wheel}
        assert f"--seed {seed} " in zipped.read("run_autograder").decode()
        for name in ("setup.sh", "run_autograder"):
            assert zipped.getinfo(name).external_attr >> 16 & 0o111, f"{name} is not executable"
        zipped.extract(wheel, tmp_path)
    with zipfile.ZipFile(tmp_path / wheel) as inner:
        files = inner.namelist()
        assert inner.read("grader/instructor/solutions/optimization.py") == course.SOLUTIONS.read_bytes()
        metadata = inner.read(next(n for n in files if n.endswith(".dist-info/METADATA"))).decode()
        record = inner.read(next(n for n in files if n.endswith(".dist-info/RECORD"))).decode()
    assert "Requires-Dist: keras" in metadata
    assert {name.split("/")[0] for name in files} == {"grader", f"{wheel.split('-py3')[0]}.dist-info"}
    assert {line.split(",")[0] for line in record.splitlines()} == set(files)


def test_an_empty_submission_gets_a_results_file_saying_so(tmp_path: Path) -> None:
    archive = gradescope.build(tmp_path / "autograder.zip", seed=0)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    env = dict(os.environ, AUTOGRADER_ROOT=str(root))
    subprocess.run(["bash", str(root / "source" / "run_autograder")], check=True, env=env, timeout=60)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "No .py or .ipynb" in results["output"]
