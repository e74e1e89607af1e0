"""The chapter's exercises, one module each, in the order learners meet them.

Each module holds everything about its exercise: `NAME`, `POINTS`, `SHIPPED` (the fields of its public
cases' reference results that its check reads, each with why: only those ship in grader/expected/, which
learners can read), `SECONDS` (time limit of all its cases), `cases(seed)` (hidden draws from
`grader.case.hidden_rng` alone), `run(function, case)` (the call, in the child, returning plain data),
`check(case, got, expected)` (the comparison, in the grader, raising `Failure`) and `plot(...)`.

An exercise graded by an outcome the grader computes from the answer (trainable_deep_model: the loss of
the learner's model, trained by the grader) must not compute it where learner code ran, since that code
may patch Keras, NumPy or the grader itself. Such a module also defines `trusted_case(case, got)` (in the
grader: a Case carrying the answer as checked plain data, or None when there is nothing to compute) and
`run_trusted(case)` (in a child of kind "trusted", which runs no learner or reference code). The grader
(`grading.trusted_stage`) runs that job as soon as the answers' job ends, for the reference's answers
too, and `check` finds its result under `got[grader.case.TRUSTED]` (None, or {"refused": why}, when
there is none); the grader always writes that key.

The registry is not written down here: the exercises are the `<!-- exercise: NAME -->` cells of the
chapter (`grader/chapter/optimization.md`), in its order. Adding an exercise means adding its module
here, its function to `solutions/optimization.py`, its cell to the chapter and its corpus folder; then
`python -m grader.build` regenerates everything derived from them.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

CHAPTER = Path(__file__).resolve().parent.parent / "chapter" / "optimization.md"
EXERCISE_CELL = re.compile(r"^<!-- exercise: (\w+) -->$", re.MULTILINE)


def _names_in_chapter() -> tuple[str, ...]:
    names = tuple(EXERCISE_CELL.findall(CHAPTER.read_text(encoding="utf-8")))
    missing = [name for name in names if not (Path(__file__).parent / f"{name}.py").exists()]
    if missing or len(set(names)) != len(names):
        raise ImportError(f"{CHAPTER}: every exercise cell must name one module of grader/exercises, once "
                          f"(missing: {', '.join(missing) or 'none'})")
    return names


NAMES: tuple[str, ...] = _names_in_chapter()


def get(name: str) -> ModuleType:
    """The module of exercise `name`."""
    if name not in NAMES:
        raise KeyError(f"no exercise named {name!r}; the exercises are {', '.join(NAMES)}")
    return importlib.import_module(f"grader.exercises.{name}")


def load_all() -> list[ModuleType]:
    """Every exercise module, in order."""
    return [get(name) for name in NAMES]


def total_points() -> float:
    """The points of all exercises together."""
    return sum(module.POINTS for module in load_all())
