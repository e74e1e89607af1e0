"""Builds the wheel with the course's files inside the `grader` package (all metadata is in pyproject.toml).

The repository keeps solutions/, exercises/, source/ and nbgrader_config.py at its top level, where
nbgrader and learners expect them. A wheel must not install them as top-level names, so they are copied
into grader/instructor/ (same relative paths), which grader/core/course.py reads in an installed package. An
editable install copies nothing: grader/core/course.py reads them at the repository's root.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def course_files() -> tuple[str, ...]:
    """grader/core/course.py's COURSE_FILES, read without importing the grader package (nor its dependencies)."""
    spec = importlib.util.spec_from_file_location("grader_course", HERE / "grader" / "core" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.COURSE_FILES


class BuildWithCourseFiles(build_py):
    """setuptools' build_py, then the course's files copied into the built grader/instructor/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in course_files():
            target = Path(self.build_lib) / "grader" / "instructor" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / name, target)


setup(cmdclass={"build_py": BuildWithCourseFiles})
