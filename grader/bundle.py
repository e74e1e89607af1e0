"""The learner bundle: what instructors hand out so that learners can check their work locally.

It holds the grader package without the parts that carry solution code (the corpus of variants, the
worked examples) and without compiled files, the exercise stubs (`exercises/`), the public cases'
expected results (`grader/expected/`, which is all `grader check` needs), `pyproject.toml` and a
README. It never holds `solutions/`, the source notebook, the tests, or the reference cache.
`tests/test_bundle.py` proves that no solution code is inside.

    grader bundle optimization-learner.zip
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.sandbox import SOLUTION_BEARING

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
# Tools for maintainers that read the solutions or the corpus: useless, and confusing, without them.
MAINTAINER_MODULES = ("build.py", "expected.py", "selftest.py", "nbgrader_plugin.py", "bundle.py")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", *SOLUTION_BEARING}
SKIPPED_SUFFIXES = (".pyc", ".pyo")

README = """\
# Understanding model optimization: exercises and checker

Your exercises are in `exercises/optimization.py`: replace each `raise NotImplementedError()` with
your code. To check your work on the public cases:

    python -m venv .venv && .venv/bin/pip install -e .
    .venv/bin/grader check exercises/optimization.py

or, in a notebook, `from grader import check; check()`.

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
    for path in sorted((REPO / "exercises").rglob("*.py")):
        if "__pycache__" not in path.parts:
            chosen.append((path, f"exercises/{path.relative_to(REPO / 'exercises').as_posix()}"))
    if (REPO / "pyproject.toml").exists():
        chosen.append((REPO / "pyproject.toml", "pyproject.toml"))
    return chosen


def build(out: Path) -> list[str]:
    """Writes the bundle to `out` (a .zip); returns the names it holds."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", README)
        names.append("README.md")
        for path, name in files():
            archive.write(path, name)
            names.append(name)
    return names
