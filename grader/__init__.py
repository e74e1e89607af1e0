"""Grader for the "Understanding model optimization" exercises.

`from grader import check; check()` runs the public checks on your work, and `hint("dead_neuron_mask")`
shows the next hint for that exercise's mistake; `grader --help` lists the instructor's commands.
"""

from grader.platforms.notebook import check, hint

__all__ = ["check", "hint"]
