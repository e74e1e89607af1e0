"""The learner bundle holds no solution code, no hidden expected values, and checks work without them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import exercises
from grader.cli import main

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "learner.zip"
    assert main(["bundle", str(out)]) == 0
    return out


def texts(archive: Path) -> dict[str, str]:
    with zipfile.ZipFile(archive) as zipped:
        return {name: zipped.read(name).decode("utf-8", errors="replace") for name in zipped.namelist()}


def solution_bodies() -> list[str]:
    """The code between every BEGIN/END SOLUTION pair of the reference solutions."""
    bodies = SOLUTION_REGION.findall(SOLUTIONS.read_text())
    assert len(bodies) == len(exercises.NAMES)
    return bodies


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_bundle_holds_what_learners_need(built: Path) -> None:
    names = set(texts(built))
    assert {"README.md", "pyproject.toml", "exercises/optimization.py", "grader/cli.py", "grader/worker.py",
            "grader/child.py", "grader/helpers.py"} <= names
    assert any(name.startswith("grader/expected/") for name in names)


def test_every_grader_module_the_bundle_imports_is_in_it(built: Path) -> None:
    # Checked on the text: run from this repository's venv, the editable install would supply a missing one.
    # Module-level imports only: cli.py imports the commands learners do not run (and lack) when asked.
    contents = texts(built)
    held = {name.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for name in contents
            if name.endswith(".py")}
    imported = set()
    for name, text in contents.items():
        if name.startswith("grader/") and name.endswith(".py"):
            for node in ast.parse(text).body:
                if isinstance(node, ast.ImportFrom) and node.module == "grader":
                    imported |= {f"grader.{alias.name}" for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader."):
                    imported.add(node.module)
                elif isinstance(node, ast.Import):
                    imported |= {alias.name for alias in node.names if alias.name.startswith("grader.")}
    imported.discard("grader.check")  # a function of grader/__init__.py
    assert {"grader.course", "grader.grading", "grader.sandbox"} <= imported  # what is looked for is there
    assert imported <= held, sorted(imported - held)


def test_the_bundle_holds_no_solution_bearing_file(built: Path) -> None:
    for name in texts(built):
        assert not name.startswith(("solutions/", "source/", "tests/", "grader/corpus/", "grader/examples/")), name
        assert not name.endswith((".pyc", ".ipynb")), name


def solution_leaks(contents: dict[str, str]) -> list[str]:
    """Where solution code shows in `contents` (file name -> text): whole bodies, or distinctive lines."""
    leaks = []
    squeezed = {name: squeeze(text) for name, text in contents.items()}
    for body in solution_bodies():
        whole = squeeze(body)
        leaks += [f"a whole solution in {name}" for name, text in squeezed.items() if whole in text]
        # Each distinctive line of a solution (not `return model`) appears in no file.
        for line in body.splitlines():
            line = line.strip()
            if len(line) >= 24 and not line.startswith("#"):
                leaks += [f"{line!r} in {name}" for name, text in contents.items()
                          if line in (candidate.strip() for candidate in text.splitlines())]
    return leaks


def test_no_solution_code_is_in_the_bundle(built: Path) -> None:
    assert solution_leaks(texts(built)) == []


def test_the_leak_detector_finds_solution_code_when_it_is_there() -> None:
    body = solution_bodies()[2]
    indented = "\n".join("        " + line for line in body.splitlines())
    assert solution_leaks({"grader/x.py": SOLUTIONS.read_text()})
    assert solution_leaks({"grader/y.py": f"def helper(model, x):\n{indented}\n"})


def test_every_exercise_function_in_the_bundle_is_a_stub(built: Path) -> None:
    found = 0
    for name, text in texts(built).items():
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name in exercises.NAMES:
                found += 1
                body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
                assert len(body) == 1 and isinstance(body[0], ast.Raise), f"{name}: {node.name} is not a stub"
                assert "NotImplementedError" in ast.unparse(body[0])
    assert found == len(exercises.NAMES)  # the stubs in exercises/optimization.py


def test_the_bundle_ships_only_public_expected_results(built: Path) -> None:
    public = {f"{m.NAME}-{c.fingerprint()[:16]}" for m in exercises.load_all() for c in m.cases(0) if c.public}
    hidden = {f"{m.NAME}-{c.fingerprint()[:16]}" for m in exercises.load_all() for seed in (0, 1, 2)
              for c in m.cases(seed) if not c.public}
    shipped = {Path(name).stem for name in texts(built) if name.startswith("grader/expected/")}
    assert shipped and shipped <= public
    assert not shipped & hidden


def test_the_bundle_checks_a_stub_without_the_solutions(built: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(built) as zipped:
        zipped.extractall(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", "exercises/optimization.py", "--exercise", "dead_neuron_mask"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "0.00 / 2.00" in done.stdout
    assert "is not written yet" in done.stdout or "NotImplementedError" in done.stdout
