"""The course's files, wherever this package runs from, and `grader course DIR`.

The reference solutions, the exercise stubs, the nbgrader source notebook and `nbgrader_config.py` live
at the repository's top level. An installed wheel carries them inside the package, in grader/instructor/
(setup.py copies them there), so that an instructor's `pip install` grades without a checkout; an
editable install or a checkout reads them at the repository's root. grader/instructor/ is
solution-bearing: the sandbox hides it and the learner bundle leaves it out (SOLUTION_BEARING).
This module imports nothing from grader, so that setup.py can read COURSE_FILES before anything is built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# Relative to the repository's root, and to grader/instructor/ in a wheel (setup.py reads this list).
COURSE_FILES = ("solutions/optimization.py", "exercises/__init__.py", "exercises/optimization.py",
                "exercises/optimization.ipynb", "source/optimization/optimization.ipynb", "nbgrader_config.py")
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # grader/, this module being grader/core/course.py
INSTALLED = PACKAGE_DIR / "instructor"
# An installed wheel's copy when there is one, else the checkout this package sits in.
ROOT = INSTALLED if INSTALLED.is_dir() else PACKAGE_DIR.parent
SOLUTIONS = ROOT / "solutions" / "optimization.py"
STUBS = ROOT / "exercises"
NOTEBOOK = ROOT / "source" / "optimization" / "optimization.ipynb"
RELEASE = STUBS / "optimization.ipynb"  # the learner bundle's notebook
# The learner bundle's name, as the READMEs give it to `grader bundle`; bundle.build writes the name it was
# given into the released notebook's install cell (authoring/generate.py writes this one there).
BUNDLE_NAME = "optimization-learner.zip"
CONFIG = ROOT / "nbgrader_config.py"
# Parts of the grader package that hold solution code (corpus variants that pass, worked examples, an
# installed wheel's course files with the reference solutions): hidden from learner code by the sandbox
# (grader/runner/isolation.py), and left out of the learner bundle (grader/platforms/bundle.py).
SOLUTION_BEARING = ("corpus", "examples", "instructor")


def write(directory: Path) -> list[Path]:
    """Writes an nbgrader course directory (nbgrader_config.py, source/optimization/) into `directory`.

    Raises:
        FileExistsError: `directory` already holds one of those files (nothing is overwritten).
        FileNotFoundError: this package has no course files (a learner bundle).
    """
    directory = Path(directory)
    copies = [(CONFIG, directory / "nbgrader_config.py"),
              (NOTEBOOK, directory / "source" / "optimization" / "optimization.ipynb")]
    for source, target in copies:
        if not source.is_file():
            raise FileNotFoundError(f"no course files in this installation ({source} is missing)")
        if target.exists():
            raise FileExistsError(f"{target} exists already: choose an empty directory, or remove it")
    for source, target in copies:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return [target for _, target in copies]


def learner_install() -> bool:
    """True in a learner bundle's install: no reference solutions here, only the learner's own code to run."""
    return not SOLUTIONS.is_file()
