"""The package's layers hold: output modules never load the runner, platforms never import it themselves,
no module imports another's private names, no module outgrows ~400 lines, and each limit is declared once."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import build_parser
from grader.core.limits import LIMITS, Limits
from grader.runner.jobs import Runner
from grader.runner.portable import PortableWorker
from grader.runner.sandbox import Worker

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "grader"
# Data folders of the package: learner-shaped code (corpus variants, examples), not the grader's own.
DATA = {"corpus", "examples", "mutants", "chapter", "expected"}
MAX_LINES = 400


def grader_modules() -> dict[str, Path]:
    """Every module of the grader package by dotted name (packages by their __init__)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if not DATA & set(parts):
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every absolute import in `path`, deferred ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def loaded_by(module: str) -> set[str]:
    """The grader modules that importing `module` loads, in a fresh interpreter."""
    probe = f"import sys, {module}\nprint('\\n'.join(sorted(n for n in sys.modules if n.startswith('grader'))))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_modules_are_found() -> None:
    modules = grader_modules()
    assert {"grader.core.results", "grader.runner.sandbox", "grader.output.html", "grader.platforms.bundle"} <= set(
        modules)
    assert not [name for name in modules if name.startswith("grader.corpus")]


@pytest.mark.parametrize("module", sorted(name for name in grader_modules() if name.startswith("grader.output.")))
def test_an_output_module_never_loads_the_runner(module: str) -> None:
    # Drawing a report or a feedback page reads results (grader.core.results): nothing that runs code.
    loaded = loaded_by(module)
    assert module in loaded
    assert not {name for name in loaded if name.startswith(("grader.runner", "grader.grading"))}, sorted(loaded)


def test_the_learners_check_loads_no_runner_until_it_runs() -> None:
    assert not {name for name in loaded_by("grader") if name.startswith("grader.runner")}


def test_no_platform_module_imports_the_runner() -> None:
    # A platform grades through grader.grading, which chooses and drives the runner.
    found = [f"{path.name}:{line} imports {module}" for name, path in grader_modules().items()
             if name.startswith(("grader.platforms.", "grader.output."))
             for module, names, line in imports_of(path)
             if module.startswith("grader.runner") or any(f"{module}.{n}".startswith("grader.runner") for n in names)]
    assert not found


def private_uses(path: Path, modules: set[str]) -> list[str]:
    """Where `path` imports a private name of a grader module, or reads one off a grader module it imported."""
    found, imported_modules = [], set()  # local names bound to grader modules
    for module, names, line in imports_of(path):
        if module.split(".")[0] == "grader":
            found += [f"{path.name}:{line} imports {module}.{name}" for name in names if name.startswith("_")]
            imported_modules |= {name for name in names if f"{module}.{name}" in modules}
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported_modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_a_private_name_of_another() -> None:
    modules = grader_modules()
    assert not [use for path in modules.values() for use in private_uses(path, set(modules))]


def test_the_private_name_check_sees_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "probe.py"
    path.write_text("from grader.runner import isolation\nfrom grader.runner.isolation import _sandbox_works\n"
                    "isolation._warned.clear()\n")
    assert private_uses(path, set(grader_modules())) == [
        "probe.py:2 imports grader.runner.isolation._sandbox_works", "probe.py:3 uses isolation._warned"]


# The layers, lowest first: a module imports only from its own layer and those before it (deferred imports
# included). `learner` is what learners' code names (grader.helpers, grader.data); `entry` the package's
# front doors (grader.check and hint, the command line, `python -m grader.build`).
LAYERS = ("core", "learner", "exercises", "runner", "output", "grading", "platforms", "authoring", "entry")


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "learner" if module in ("grader.helpers", "grader.data") else "entry"


def test_each_layer_imports_only_itself_and_the_layers_below_it() -> None:
    modules = grader_modules()
    found = []
    for name, path in modules.items():
        for module, names, line in imports_of(path):
            if module.split(".")[0] != "grader":
                continue
            for target in [f"{module}.{n}" if f"{module}.{n}" in modules else module for n in names] or [module]:
                if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(name)):
                    found.append(f"{name}:{line} ({layer_of(name)}) imports {target} ({layer_of(target)})")
    assert not found


def test_every_subpackage_is_a_layer() -> None:
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")} - DATA
    assert packages == set(LAYERS) - {"learner", "entry"}


@pytest.mark.parametrize("package", ["", *sorted(set(LAYERS) - {"learner", "entry"})])
def test_no_module_of_a_layer_is_over_400_lines(package: str) -> None:
    long = {path.relative_to(PACKAGE).as_posix() for path in (PACKAGE / package).glob("*.py")
            if len(path.read_text().splitlines()) > MAX_LINES}
    assert long == set()


def _options(parser: argparse.ArgumentParser, command: str) -> dict[str, argparse.Action]:
    sub = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return {option: action for action in sub.choices[command]._actions for option in action.option_strings}


def test_limits_are_declared_once_for_the_command_line_and_nbgrader() -> None:
    from grader.platforms.nbgrader_plugin import GradeOutsideKernel

    assert [limit.name for limit in LIMITS] == [field.name for field in dataclasses.fields(Limits)]
    assert [field.default for field in dataclasses.fields(Limits)] == [limit.default for limit in LIMITS]
    traits = GradeOutsideKernel.class_traits(config=True)
    for command in ("grade", "check", "batch"):
        options = _options(build_parser(), command)
        for limit in LIMITS:
            cli, trait = options[limit.option], traits[limit.trait]
            assert cli.help == trait.help == limit.full_help(), limit.name
            assert cli.default == trait.default_value == limit.given_default, limit.name
    # Given as the command line and nbgrader take them, the limits come back in the field's own units.
    given = Limits.given({limit.name: limit.given_default for limit in LIMITS})
    assert given == Limits()
    assert Limits.given({"memory_bytes": 2.5, "output_bytes": 2}).memory_bytes == int(2.5 * 1024**3)


def test_the_readme_table_of_limits_is_derived_from_them() -> None:
    readme = (REPO / "README.md").read_text()
    for limit in LIMITS:
        assert f"| `{limit.name}` | `{limit.option}` | `{limit.trait}` | {limit.shown_default()} |" in readme


def test_both_runners_are_runners() -> None:
    members = {name for name in dir(Runner) if not name.startswith("_") or name in ("__enter__", "__exit__")}
    members |= set(Runner.__annotations__)
    for runner in (Worker, PortableWorker):
        have = set(dir(runner)) | {name for name in runner.__init__.__code__.co_names}
        assert members <= have, (runner.__name__, sorted(members - have))
