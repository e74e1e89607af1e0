"""The learner bundle: what instructors hand out so that learners can check their work locally.

It holds the grader package without the parts that carry solution code (the corpus of variants, the
worked examples) and without compiled files, the exercise stubs (`exercises/`), the public cases'
expected results (`grader/expected/`, which is all `grader check` needs), a `pyproject.toml` that
installs the checker with the package's own dependencies (platform markers included, so that it installs
on macOS, Windows and Linux) and a README. It never holds `solutions/`, the source notebook, the tests,
or the reference cache.
`tests/test_bundle.py` proves that no solution code is inside.

    grader bundle optimization-learner.zip
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader import course, distribution
from grader.course import PACKAGE_DIR
from grader.sandbox import SOLUTION_BEARING

# Tools for maintainers that read the solutions or the corpus: useless, and confusing, without them.
MAINTAINER_MODULES = ("build.py", "expected.py", "measured.py", "selftest.py", "nbgrader_plugin.py", "bundle.py",
                      "distribution.py", "gradescope.py")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", *SOLUTION_BEARING}
SKIPPED_SUFFIXES = (".pyc", ".pyo")

README = """\
# Understanding model optimization: exercises and checker

Your exercises are in `exercises/optimization.py`: replace each `raise NotImplementedError()` with
your code. To check your work on the public cases:

    python3 -m venv .venv                      # Windows: py -3.11 -m venv .venv
    .venv/bin/pip install -e .                 # Windows: .venv\\Scripts\\pip install -e .
    .venv/bin/grader check exercises/optimization.py   # Windows: .venv\\Scripts\\grader check ...

You need Python 3.11 or newer (python.org, or your system's). The install fetches TensorFlow (about
600 MB) for your platform: `tensorflow-cpu` on Linux x86-64 and Windows, `tensorflow` on macOS and
Linux ARM. In a notebook, `from grader import check; check()`.

The public checks tell you what is wrong and give one hint per mistake. Your submission is also
graded on hidden cases: passing the public checks is a good sign, not a promise.
"""


def files() -> list[tuple[Path, str]]:
    """(source, name in the bundle) for every file the bundle holds, in a stable order."""
    chosen = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if not path.is_file() or SKIPPED_PARTS & set(relative.parts) or path.suffix in SKIPPED_SUFFIXES:
            continue
        if len(relative.parts) == 1 and relative.name in MAINTAINER_MODULES:
            continue
        chosen.append((path, f"grader/{relative.as_posix()}"))
    for path in sorted(course.STUBS.rglob("*.py")):
        if "__pycache__" not in path.parts:
            chosen.append((path, f"exercises/{path.relative_to(course.STUBS).as_posix()}"))
    return chosen


def pyproject() -> str:
    """The bundle's pyproject.toml: the grader package alone, with the package's own dependencies."""
    dependencies = "".join(f"    {json.dumps(requirement)},\n" for requirement in distribution.requirements())
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "optimization-exercises"
version = "{distribution.version()}"
description = "Exercises for 'Understanding model optimization' (Keras 3), and their checker"
requires-python = ">=3.11"
dependencies = [
{dependencies}]

[project.scripts]
grader = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
grader = ["expected/*", "chapter/*"]
"""


def build(out: Path) -> list[str]:
    """Writes the bundle to `out` (a .zip); returns the names it holds."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", README)
        archive.writestr("pyproject.toml", pyproject())
        names += ["README.md", "pyproject.toml"]
        for path, name in files():
            archive.write(path, name)
            names.append(name)
    return names
