"""Grader for the "Understanding model optimization" exercises.

`from grader import check; check()` runs the public checks on your work; `grader --help` lists the
instructor's commands.
"""

from grader.notebook import check

__all__ = ["check"]
