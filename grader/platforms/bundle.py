"""The learner bundle: what instructors hand out so that learners can check their work locally.

It holds the grader package without the parts that carry solution code (the corpus of variants, the
worked examples) and without compiled files, the exercise stubs (`exercises/`), the public cases'
expected results (`grader/expected/`, which is all `grader check` needs), the released notebook
(`optimization.ipynb`, whose first cell installs the checker), a `pyproject.toml` and a README. It never
holds `solutions/`, the source notebook, the tests, or the reference cache.

The `pyproject.toml` installs the checker with the package's own dependencies, except that it takes the
TensorFlow and Keras a learner already has (Colab, Kaggle, JupyterHub) across the range the checks were
tested with (LEARNER_VERSIONS), where the instructor's grading keeps pyproject.toml's exact pins. A
notebook platform has `tensorflow` where the package names `tensorflow-cpu` (Linux x86-64): no one
requirement fits both, so TensorFlow is in the `tensorflow` extra (with its platform markers, for macOS,
Windows and Linux), which the install cell and the laptop route ask for only where there is none.
`tests/test_bundle.py` proves that no solution code is inside.

    grader bundle optimization-learner.zip
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from grader.core import course
from grader.core.course import BUNDLE_NAME, PACKAGE_DIR, SOLUTION_BEARING
from grader.platforms import distribution

# Tools for maintainers that read the solutions or the corpus, and the instructors' platforms: useless, and
# confusing, without them. Paths inside the package; a folder stands for everything in it.
MAINTAINER_MODULES = ("build.py", "authoring", "platforms/nbgrader_plugin.py", "platforms/bundle.py",
                      "platforms/distribution.py", "platforms/gradescope.py")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", *SOLUTION_BEARING}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
# The versions a learner's own TensorFlow and Keras may have: from the oldest tested (tests/test_learner_
# platforms.py installs the bundle beside the oldest and the newest: full public marks for the reference
# solutions, the sample attempt's verdicts) up to the next major version, as for the other dependencies.
LEARNER_VERSIONS = {"tensorflow": ">=2.19,<3", "tensorflow-cpu": ">=2.19,<3", "keras": ">=3.8,<4"}
# Pins that only speed up grading (pyproject.toml says why), left out: a learner's platform keeps the version
# its TensorFlow came with, and installing the bundle replaces nothing there.
GRADING_ONLY = {"ml-dtypes"}
TENSORFLOW_EXTRA = "tensorflow"
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)\s*(?P<specifier>[^;]*?)\s*(?P<marker>;.*)?$")


def readme(name: str) -> str:
    """The bundle's README, for the zip called `name`."""
    return f"""\
# Understanding model optimization: exercises and checker

Your exercises are in `optimization.ipynb` (or, for a text editor, `exercises/optimization.py`): replace
each `raise NotImplementedError()` with your code. The checker runs the public checks on your work.

## In a notebook: Colab, Kaggle, JupyterHub

Take `optimization.ipynb` out of this zip and open it on your platform, with the zip itself beside it.
Its first cell installs the checker from the zip into the running kernel, in a few seconds: the
TensorFlow and Keras the platform has stay as they are (TensorFlow {LEARNER_VERSIONS["tensorflow"]}, Keras
{LEARNER_VERSIONS["keras"]}) and no restart is needed. Its last cell checks everything; each exercise's own
cell checks that one. The first cell finds the zip itself; in a notebook of your own, the two cells are:

- Colab (File > Upload notebook; the zip, as it is, uploaded in the Files pane, lasts the session):

      %pip install --quiet {name}

      from grader import check
      check()

- Kaggle (File > Import Notebook; Add Input > Upload, a dataset from this zip, which Kaggle unzips
  read-only under /kaggle/input/; Internet on, in the settings): install from a copy,

      !cp -r /kaggle/input/YOUR-DATASET /tmp/optimization-bundle
      %pip install --quiet /tmp/optimization-bundle

      from grader import check
      check()

- JupyterHub (the notebook and the zip uploaded into one folder; where there is no TensorFlow, install
  "{name}[tensorflow]"):

      %pip install --quiet {name}

      from grader import check
      check()

## On your laptop (macOS, Windows, Linux)

    python3 -m venv .venv                          # Windows: py -3.11 -m venv .venv
    .venv/bin/pip install ".[tensorflow]"          # Windows: .venv\\Scripts\\pip install ".[tensorflow]"
    .venv/bin/grader check exercises/optimization.py   # Windows: .venv\\Scripts\\grader check ...

You need Python 3.11 or newer (python.org, or your system's). The `tensorflow` extra fetches TensorFlow
(about 600 MB) for your platform: `tensorflow-cpu` on Linux x86-64 and Windows, `tensorflow` on macOS and
Linux ARM; leave it out where TensorFlow is installed already. In a notebook, `from grader import check; check()`.

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
        if any(relative.is_relative_to(name) for name in MAINTAINER_MODULES):
            continue
        chosen.append((path, f"grader/{relative.as_posix()}"))
    for path in sorted(course.STUBS.rglob("*.py")):
        if "__pycache__" not in path.parts:
            chosen.append((path, f"exercises/{path.relative_to(course.STUBS).as_posix()}"))
    return chosen


def learner_requirements() -> tuple[list[str], list[str]]:
    """The bundle's dependencies and its `tensorflow` extra: the package's own but GRADING_ONLY, with
    LEARNER_VERSIONS."""
    dependencies, tensorflow = [], []
    for line in distribution.requirements():
        parts = REQUIREMENT.match(line)
        name = parts["name"].lower().replace("_", "-")
        if name in GRADING_ONLY:
            continue
        requirement = f"{parts['name']}{LEARNER_VERSIONS.get(name, parts['specifier'])}{parts['marker'] or ''}"
        (tensorflow if name.startswith("tensorflow") else dependencies).append(requirement)
    return dependencies, tensorflow


def _toml_list(items: list[str]) -> str:
    return "[\n" + "".join(f"    {json.dumps(item)},\n" for item in items) + "]"


def pyproject() -> str:
    """The bundle's pyproject.toml: the grader package alone, with the learner's dependencies."""
    dependencies, tensorflow = learner_requirements()
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "optimization-exercises"
version = "{distribution.version()}"
description = "Exercises for 'Understanding model optimization' (Keras 3), and their checker"
requires-python = ">=3.11"
dependencies = {_toml_list(dependencies)}

[project.optional-dependencies]
{TENSORFLOW_EXTRA} = {_toml_list(tensorflow)}

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
        archive.writestr("README.md", readme(out.name))
        archive.writestr("pyproject.toml", pyproject())
        # The install cell looks for the bundle by the name it was written under.
        release = course.RELEASE.read_text().replace(BUNDLE_NAME, json.dumps(out.name)[1:-1])
        archive.writestr("optimization.ipynb", release)
        names += ["README.md", "pyproject.toml", "optimization.ipynb"]
        for path, name in files():
            archive.write(path, name)
            names.append(name)
    return names
