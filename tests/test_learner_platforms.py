"""The learner bundle where learners already are (Colab, Kaggle, JupyterHub): beside the TensorFlow they have.

A venv per end of the supported range (bundle.LEARNER_VERSIONS) stands for a notebook platform: its
TensorFlow and Keras, and a Jupyter kernel, installed first. The bundle goes in with pip as the released
notebook's install cell does it, and must leave that TensorFlow and Keras as they are (pip's report and
log: nothing of them downloaded, installed or uninstalled) with `pip check` passing; there the reference
solutions get every public point and the sample attempt the verdicts it gets under the instructor's pins.
In the oldest, the bundle's notebook runs with nbclient in one kernel, from its install cell to `check()`.

The venvs are built once per module (the install is the cost: with pip's cache warm, about a minute
each; the first run downloads tensorflow-cpu 2.19, about 270 MB).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.authoring import generate
from grader.core import course
from grader.core.submission import load
from grader.grading.grade import grade
from grader.grading.settings import Settings
from grader.platforms import bundle

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
PIP_TIMEOUT = 1200
# A platform's stack at each end of the range the bundle declares (the oldest and newest tested).
STACKS = {
    "oldest": ("tensorflow-cpu==2.19.1", "keras==3.8.0"),
    "newest": ("tensorflow-cpu==2.21.0", "keras==3.15.1"),
}
KERNEL = ("ipykernel",)  # what every notebook platform has
VERDICTS = """
import json, sys
from grader.grading.grade import grade
from grader.grading.settings import Settings
from grader.core.submission import load
report = grade(load(sys.argv[1]), Settings(public_only=True))
print(json.dumps({c.case.test_name: [c.passed, c.score] for e in report.exercises for c in e.cases}))
"""


def canonical(name: str) -> str:
    """A distribution's name as PyPI compares them (`tensorflow_cpu` is `tensorflow-cpu`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run(command: list[str], cwd: Path, timeout: float = 900) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("GRADER_SEED", "PYTHONPATH")}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def bundle_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / course.BUNDLE_NAME
    bundle.build(out)
    return out


class Platform:
    """A venv with a platform's TensorFlow, Keras and kernel, and then the bundle installed as the cell does."""

    def __init__(self, name: str, root: Path, bundle_zip: Path) -> None:
        self.name = name
        self.stack = dict(requirement.split("==") for requirement in STACKS[name])
        self.root = root
        self.python = root / "venv" / "bin" / "python"
        run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root)
        self.pip("install", "--quiet", *STACKS[name], *KERNEL)
        self.before = self.versions()
        report = root / "report.json"
        # As the install cell does it: the zip, without the `tensorflow` extra (there is TensorFlow here).
        self.log = self.pip("install", "--report", str(report), str(bundle_zip))
        self.installed = {canonical(item["metadata"]["name"]): item["metadata"]["version"]
                          for item in json.loads(report.read_text())["install"]}

    def pip(self, *args: str) -> str:
        return run([str(self.python), "-m", "pip", *args], cwd=self.root, timeout=PIP_TIMEOUT)

    def versions(self) -> dict[str, str]:
        listed = json.loads(self.pip("list", "--format", "json"))
        return {canonical(item["name"]): item["version"] for item in listed}

    def verdicts(self, source: Path, work: Path) -> dict[str, list]:
        (work / source.name).write_text(source.read_text())
        return json.loads(run([str(self.python), "-c", VERDICTS, source.name], cwd=work).splitlines()[-1])


class Platforms:
    """Each stack's platform, built on first use and kept for the module."""

    def __init__(self, bundle_zip: Path) -> None:
        self.bundle_zip = bundle_zip
        self.built: dict[str, Platform] = {}

    def __getitem__(self, name: str) -> Platform:
        if name not in self.built:
            # Outside pytest's temporary folders: the sandbox's users must reach the venv, as in a real install.
            root = Path(tempfile.mkdtemp(prefix=f"grader-learner-{name}-"))
            root.chmod(0o755)
            self.built[name] = Platform(name, root, self.bundle_zip)
        return self.built[name]


@pytest.fixture(scope="module")
def platforms(bundle_zip: Path) -> Iterator[Platforms]:
    made = Platforms(bundle_zip)
    try:
        yield made
    finally:
        for platform in made.built.values():
            subprocess.Popen(["rm", "-rf", "--", str(platform.root)], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def direct_verdicts(source: Path) -> dict[str, list]:
    """The public verdicts under the instructor's pins (this venv)."""
    report = grade(load(source), Settings(public_only=True))
    return {c.case.test_name: [c.passed, c.score] for e in report.exercises for c in e.cases}


@pytest.mark.parametrize("stack", STACKS)
def test_the_bundle_installs_beside_the_platforms_tensorflow_and_keras(platforms: Platforms, stack: str) -> None:
    platform = platforms[stack]
    pinned = platform.stack
    assert {name: platform.before[name] for name in pinned} == pinned
    touched = {name for name in platform.installed if name.startswith(("tensorflow", "keras"))}
    assert touched == set(), platform.installed  # nothing of them downloaded nor installed
    assert "Uninstalling" not in platform.log, platform.log
    assert "optimization-exercises" in platform.installed
    after = platform.versions()
    assert {name: after[name] for name in pinned} == pinned
    platform.pip("check")


@pytest.mark.parametrize("stack", STACKS)
def test_the_reference_gets_every_public_point_and_the_sample_attempt_its_verdicts(
        platforms: Platforms, stack: str, tmp_path: Path) -> None:
    platform = platforms[stack]
    solved = platform.verdicts(SOLUTIONS, tmp_path)
    assert solved and all(passed for passed, _ in solved.values()), solved
    assert platform.verdicts(ATTEMPT, tmp_path) == direct_verdicts(ATTEMPT)


def notebook_to_run(released: dict) -> dict:
    """The bundle's notebook as a learner who solved everything runs it: install cell, setup, solutions, check.

    The exercises' own check cells and the plots are left out (each check would start the grader again)."""
    functions = generate.function_sources()
    cells = []
    for cell in released["cells"]:
        nbgrader = cell["metadata"].get("nbgrader", {})
        skipped = generate.SKIP_TAG in cell["metadata"].get("tags", [])
        if cell["cell_type"] != "code" or nbgrader.get("grade") or skipped:
            continue
        if nbgrader.get("solution"):
            cell = {**cell, "source": functions[nbgrader["grade_id"]]}
        cells.append(cell)
    assert cells[0]["id"] == "install" and cells[-1]["id"] == "check"
    return {**released, "cells": cells}


def test_the_bundles_notebook_installs_the_checker_and_checks_in_one_kernel(
        platforms: Platforms, bundle_zip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    platform = platforms["oldest"]  # as Colab's, an older stack than the instructor's
    import nbformat
    from nbclient import NotebookClient

    # As on Colab: the notebook and the zip side by side in the kernel's folder, the checker not installed.
    platform.pip("uninstall", "--yes", "optimization-exercises")
    (tmp_path / bundle_zip.name).write_bytes(bundle_zip.read_bytes())
    with zipfile.ZipFile(bundle_zip) as zipped:
        released = json.loads(zipped.read("optimization.ipynb"))
    notebook = nbformat.from_dict(notebook_to_run(released))
    kernels = tmp_path / "jupyter" / "kernels" / "platform"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(platform.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "platform", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    NotebookClient(notebook, kernel_name="platform", timeout=900,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert "optimization-exercises" in platform.versions()
    outputs = notebook.cells[-1]["outputs"]
    html = "".join(output.get("data", {}).get("text/html", "") for output in outputs)
    assert "grader-feedback" in html, outputs
    assert html.count("<img") >= 5, html[:2000]  # the pictures: loss curves, dead-unit map, norms...
    text = "".join(output.get("data", {}).get("text/plain", "") for output in outputs)
    scored = [line for line in text.splitlines() if line.startswith("Total")]
    assert scored and scored[0].split()[1] == scored[0].split()[3], text
    streams = [output for cell in notebook.cells for output in cell["outputs"] if output.get("name") == "stderr"]
    assert not [s for s in streams if "sandbox" in s["text"] or "solutions" in s["text"]], streams
