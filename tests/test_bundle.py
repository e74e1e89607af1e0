"""The learner bundle holds no solution code, no hidden expected values, and checks work without them."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from grader import exercises
from grader.cli import main
from grader.core import course
from grader.core.submission import SKIP_COMMENT, as_python
from grader.platforms import bundle, distribution

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "learner.zip"
    assert main(["bundle", str(out)]) == 0
    return out


def texts(archive: Path) -> dict[str, str]:
    """Each file's text; a notebook's is its code cells as Python (in JSON, a cell's lines are one line)."""
    with zipfile.ZipFile(archive) as zipped:
        found = {name: zipped.read(name).decode("utf-8", errors="replace") for name in zipped.namelist()}
    for name in [name for name in found if name.endswith(".ipynb")]:
        cells = json.loads(found[name])["cells"]
        found[name] = "\n\n".join(as_python(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return found


def solution_bodies() -> list[str]:
    """The code between every BEGIN/END SOLUTION pair of the reference solutions."""
    bodies = SOLUTION_REGION.findall(SOLUTIONS.read_text())
    assert len(bodies) == len(exercises.NAMES)
    return bodies


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_bundle_holds_what_learners_need(built: Path) -> None:
    names = set(texts(built))
    assert {"README.md", "pyproject.toml", "optimization.ipynb", "exercises/optimization.py", "grader/cli.py",
            "grader/runner/worker.py", "grader/runner/child.py", "grader/helpers.py"} <= names
    assert any(name.startswith("grader/expected/") for name in names)


def is_module(dotted: str) -> bool:
    """Whether `dotted` names a module or package of this repository's grader."""
    path = REPO.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


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
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader":
                    # `from grader.core import course` imports the module grader.core.course (a module of
                    # this repository's package), `from grader.core.case import Case` a name of grader.core.case
                    imported.add(node.module)
                    imported |= {f"{node.module}.{alias.name}" for alias in node.names
                                 if is_module(f"{node.module}.{alias.name}")}
                elif isinstance(node, ast.Import):
                    imported |= {alias.name for alias in node.names if alias.name.startswith("grader.")}
    # what is looked for is there
    assert {"grader.core.course", "grader.grading.grade", "grader.runner.sandbox"} <= imported
    assert imported <= held, sorted(imported - held)


def test_the_bundle_holds_no_solution_bearing_file(built: Path) -> None:
    for name in texts(built):
        assert not name.startswith(("solutions/", "source/", "tests/", "grader/corpus/", "grader/examples/")), name
        assert not name.endswith(".pyc"), name
    assert [name for name in texts(built) if name.endswith(".ipynb")] == ["optimization.ipynb"]  # the release


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
        if not name.endswith((".py", ".ipynb")):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name in exercises.NAMES:
                found += 1
                body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
                assert len(body) == 1 and isinstance(body[0], ast.Raise), f"{name}: {node.name} is not a stub"
                assert "NotImplementedError" in ast.unparse(body[0])
    assert found == 2 * len(exercises.NAMES)  # the stubs in exercises/optimization.py and in the notebook


def test_the_notebook_is_the_release_with_an_install_cell_first_and_a_check_last(built: Path,
                                                                                   tmp_path: Path) -> None:
    with zipfile.ZipFile(built) as zipped:
        cells = json.loads(zipped.read("optimization.ipynb"))["cells"]
    sources = [cell["source"] for cell in cells]
    assert sources[0].startswith(SKIP_COMMENT) and f'"{built.name}"' in sources[0]
    assert "%pip install" in sources[0] and "check()" in sources[-1]
    assert not any("hidden=True" in source or "HIDDEN TESTS" in source for source in sources)
    assert [f'check("{name}")' for name in exercises.NAMES] == [
        source for cell, source in zip(cells, sources) if cell["metadata"].get("nbgrader", {}).get("grade")]
    # The install cell looks for the zip by the name it was written under.
    other = tmp_path / "chapter-3.zip"
    bundle.build(other)
    with zipfile.ZipFile(other) as zipped:
        install = json.loads(zipped.read("optimization.ipynb"))["cells"][0]["source"]
    assert '"chapter-3.zip"' in install and course.BUNDLE_NAME not in install


def test_the_bundle_takes_the_learners_tensorflow_and_keras_across_the_tested_range(built: Path) -> None:
    from packaging.requirements import Requirement

    with zipfile.ZipFile(built) as zipped:
        project = tomllib.loads(zipped.read("pyproject.toml").decode())["project"]
    required = [Requirement(line) for line in project["dependencies"]]
    extra = [Requirement(line) for line in project["optional-dependencies"][bundle.TENSORFLOW_EXTRA]]
    # No TensorFlow without the extra: a platform's `tensorflow` is not the `tensorflow-cpu` named for Linux.
    assert not [r for r in required if r.name.startswith("tensorflow")]
    assert {r.name for r in extra} == {"tensorflow", "tensorflow-cpu"}
    ours = {Requirement(line).name: Requirement(line) for line in distribution.requirements()}
    for requirement in required + extra:
        pinned = ours[requirement.name]
        assert requirement.marker == pinned.marker
        if requirement.name in bundle.LEARNER_VERSIONS:
            assert str(requirement.specifier) == str(Requirement(f"x{bundle.LEARNER_VERSIONS[requirement.name]}")
                                                      .specifier)
            assert requirement.specifier.contains("2.19.1") or requirement.specifier.contains("3.8.0")
        else:
            assert requirement.specifier == pinned.specifier
    # every requirement but the grading machine's own pins
    assert not {r.name for r in required} & bundle.GRADING_ONLY and bundle.GRADING_ONLY <= set(ours)
    assert len(required) + len(extra) == len(ours) - len(bundle.GRADING_ONLY)


def test_the_bundle_ships_only_public_expected_results(built: Path) -> None:
    public = {f"{m.NAME}-{c.fingerprint()[:16]}" for m in exercises.load_all() for c in m.cases(0) if c.public}
    hidden = {f"{m.NAME}-{c.fingerprint()[:16]}" for m in exercises.load_all() for seed in (0, 1, 2)
              for c in m.cases(seed) if not c.public}
    shipped = {Path(name).stem for name in texts(built)
               if name.startswith("grader/expected/") and name != "grader/expected/versions.json"}
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


def test_a_failed_public_check_under_other_versions_says_which_the_expected_results_come_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.core.submission import load
    from grader.grading import cache
    from grader.grading.grade import grade
    from grader.grading.settings import Settings

    attempt = REPO / "grader" / "examples" / "sample_attempt.py"
    settings = Settings(public_only=True, only=("dead_neuron_mask",))  # a wrong answer (a crash gets no note)
    same = [c for e in grade(load(attempt), settings).exercises for c in e.cases]
    assert [c for c in same if not c.passed] and not [c for c in same if "come from" in c.message]
    recorded = tmp_path / "versions.json"
    recorded.write_text(json.dumps({"TensorFlow": "2.99.0", "Keras": "3.99.0"}))
    monkeypatch.setattr(cache, "SHIPPED_VERSIONS", recorded)
    other = [c for e in grade(load(attempt), settings).exercises for c in e.cases]
    assert [c.passed for c in other] == [c.passed for c in same]
    for verdict in other:
        assert ("the expected results come from TensorFlow 2.99.0 and Keras 3.99.0" in verdict.message) == (
            not verdict.passed), verdict.message


def test_the_install_cell_is_not_graded_from_a_session_nor_from_the_file(built: Path, tmp_path: Path) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from grader.core.submission import load

    shell = InteractiveShell.instance()
    try:
        shell.run_cell(f"{SKIP_COMMENT}: an install cell\nINSTALLED = 1", store_history=True)
        shell.run_cell("def compile_with_sgd(model, learning_rate):\n    return model", store_history=True)
        shell.run_cell("from grader.platforms.notebook import session_submission\nsession = session_submission()",
                       store_history=True)
        cells = shell.user_ns["session"].cells
    finally:
        InteractiveShell.clear_instance()
    assert any("def compile_with_sgd" in cell for cell in cells) and not any("INSTALLED" in cell for cell in cells)
    with zipfile.ZipFile(built) as zipped:
        zipped.extract("optimization.ipynb", tmp_path)
    graded = load(tmp_path / "optimization.ipynb").cells
    assert graded and not any("pip" in cell or "BUNDLE" in cell for cell in graded)


@pytest.mark.parametrize("notebook", [True, False])
def test_a_learners_install_says_in_one_line_that_no_sandbox_is_needed(
        notebook: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from grader.core import course, kernel
    from grader.runner import isolation, portable

    monkeypatch.setattr(course, "SOLUTIONS", tmp_path / "no-solutions.py")  # as in the bundle
    monkeypatch.setattr(isolation, "bwrap_path", lambda: None)  # as on Colab
    monkeypatch.setattr(isolation, "_warned", set())
    monkeypatch.setattr(kernel, "in_notebook", lambda: notebook)
    assert isolation.choose_isolation("auto", tmp_path) == "none"
    assert isolation.choose_isolation("off", tmp_path) == "none"
    portable.PortableWorker(1).close()
    out, err = capsys.readouterr()
    said, elsewhere = (out, err) if notebook else (err, out)
    assert said == f"grader: {isolation.LEARNER_NOTE}\n" and elsewhere == ""
    assert "solutions included" not in said
    # An instructor's install keeps its warning.
    monkeypatch.setattr(course, "SOLUTIONS", SOLUTIONS)
    monkeypatch.setattr(isolation, "_warned", set())
    isolation.choose_isolation("auto", tmp_path)
    assert "solutions included" in capsys.readouterr().err


def test_the_install_cell_installs_an_unzipped_bundle_from_a_copy_of_it(built: Path, tmp_path: Path) -> None:
    # JupyterHub (the notebook in the unzipped folder) and Kaggle (a read-only dataset): pip builds in the
    # folder it installs, so the cell hands it a copy. Here the cell runs up to its pip line, which builds.
    unzipped = tmp_path / "optimization"
    with zipfile.ZipFile(built) as zipped:
        zipped.extractall(unzipped)
        cell = json.loads(zipped.read("optimization.ipynb"))["cells"][0]["source"]
    code, pip_line = cell.split("\n%pip install --quiet ")
    assert pip_line.startswith('"{BUNDLE}{EXTRA}"')
    script = code + "\nprint(BUNDLE)\n"
    copy = Path(subprocess.run([sys.executable, "-c", script], cwd=unzipped, capture_output=True, text=True,
                               timeout=60, check=True).stdout.strip())
    assert copy != unzipped and not copy.is_relative_to(unzipped)
    assert sorted(path.name for path in copy.iterdir()) == ["grader", "pyproject.toml"]
    before = sorted(unzipped.rglob("*"))
    # Without build isolation (this venv's setuptools), to keep it fast: the build itself is what is shown.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "w"), str(copy)], capture_output=True, timeout=600, check=True)
    (wheel,) = (tmp_path / "w").glob("optimization_exercises-*.whl")
    with zipfile.ZipFile(wheel) as zipped:
        assert "grader/cli.py" in zipped.namelist() and "grader/expected/versions.json" in zipped.namelist()
    assert sorted(unzipped.rglob("*")) == before  # nothing written into the bundle's folder
