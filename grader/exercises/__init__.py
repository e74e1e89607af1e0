"""The chapter's exercises, one module each, in the order learners meet them.

Each module holds everything about its exercise: `POINTS`, `SECONDS` (time limit of all its cases),
`cases(seed)`, `run(function, case)` (the call, in the child, returning plain data) and
`check(case, got, expected)` (the comparison, in the grader, raising `Failure`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = (
    "compile_with_sgd",
    "compare_learning_rates",
    "dead_neuron_mask",
    "layer_gradient_norms",
    "gradient_ratio_by_depth",
)


def get(name: str) -> ModuleType:
    """The module of exercise `name`."""
    if name not in NAMES:
        raise KeyError(f"no exercise named {name!r}; the exercises are {', '.join(NAMES)}")
    return importlib.import_module(f"grader.exercises.{name}")


def load_all() -> list[ModuleType]:
    """Every exercise module, in order."""
    return [get(name) for name in NAMES]
