"""The chapter's exercises, one module each, in the order learners meet them.

Each module holds everything about its exercise, as the contract in `grader.exercises.contract` declares
(the Protocols `Exercise`, `Plotted` and `Trusted`, each member with what it means): `NAME`, `POINTS`,
`SHIPPED` (the fields of its public cases' reference results that its check reads, each with why),
`SECONDS` (`time_limit` of the CPU time measured for its reference), `COST` (the CPU time its reference's
function takes on one grading's cases: how a submission's exercises are shared out over processes),
`MISTAKES`, `cases(seed)` (hidden
draws from `grader.core.case.hidden_rng` alone), `run(function, case)` (the call, in the child, returning
plain data) and `check(case, got, expected)` (the comparison, in the grader, raising `Failure`); and,
optionally, `plot(figure, case, got, expected)` for the feedback page's picture.

An exercise graded by an outcome the grader computes from the answer (trainable_deep_model: the loss of
the learner's model, trained by the grader) must not compute it where learner code ran, since that code
may patch Keras, NumPy or the grader itself. Such a module also defines `trusted_case(case, got)` and
`run_trusted(case)`, both (the `Trusted` Protocol says when each runs): the grader
(`grading.trusted.trusted_stage`) runs that job as soon as the answers' job ends, for the reference's answers
too, and `check` finds its result under `got[grader.core.case.TRUSTED]`; the grader always writes that key.

`get` checks each module against the contract once, when it first loads it: a module that breaks it
fails to load with `contract.ExerciseContractError`, naming what it lacks.

The registry is not written down here: the exercises are the `<!-- exercise: NAME -->` cells of the
chapter (`grader/chapter/optimization.md`), in its order. Adding an exercise means adding its module
here, its function to `solutions/optimization.py`, its cell to the chapter and its corpus folder; then
`python -m grader.build` regenerates everything derived from them.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from grader.exercises.contract import Exercise, validate

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


# An exercise's time limit (CPU time of its job, before `--time-scale`) is LIMIT_FACTOR times the CPU
# time its reference's job takes on its cases, and at least LIMIT_FLOOR. Measured by
# `benchmarks/limits.py` (each module states its figures beside `SECONDS`): the reference's job and
# the slowest correct corpus variant's take 0.4-3.2 s and 0.5-4.9 s, on the public cases and the
# hidden cases of three seeds (three times the hidden cases of one grading). The floor leaves room for
# a notebook's own cells, which count against every exercise's limit when it runs alone, and for slower
# machines; the factor for the slowest correct ways of writing an exercise. Both keep an infinite
# loop's cost (its exercise's limit, paid once) within 30 s of CPU time for the whole submission.
LIMIT_FACTOR = 5
LIMIT_FLOOR = 20.0


def time_limit(reference_seconds: float) -> float:
    """An exercise's time limit (CPU seconds) from its reference's measured CPU time on its cases."""
    return max(LIMIT_FLOOR, LIMIT_FACTOR * reference_seconds)


_LOADED: dict[str, Exercise] = {}  # each module once checked against the contract, by name


def get(name: str) -> Exercise:
    """The module of exercise `name`, checked against the contract when first loaded.

    Raises:
        KeyError: `name` is not an exercise of the chapter.
        ExerciseContractError: its module breaks the contract (`grader.exercises.contract`).
    """
    if name not in NAMES:
        raise KeyError(f"no exercise named {name!r}; the exercises are {', '.join(NAMES)}")
    if name not in _LOADED:
        _LOADED[name] = validate(importlib.import_module(f"grader.exercises.{name}"), name)
    return _LOADED[name]


def load_all() -> list[Exercise]:
    """Every exercise module, in order."""
    return [get(name) for name in NAMES]


def total_points() -> float:
    """The points of all exercises together."""
    return sum(module.POINTS for module in load_all())
