"""The first-batch mistake of the gradient exercises: a gradient measured on the first rows alone (x[:32]).

Their hidden cases have more rows than a Keras batch. In the reference's child only, `run` asks the
reference function for its answer on the first batch too (`wanted`, `rows`), and `check` reads it from the
expected result, so a learner's function is called once; when a learner's answer matches that one,
`mismatch` names the mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core.case import REFERENCE_MODULE
from grader.core.feedback import Mismatch

# Keras' default batch: a hidden case has more rows than that, so that a gradient taken on the first batch
# alone (x[:32]) differs from the one on all the data.
BATCH = 32
MISTAKE = "first-batch-only"


def wanted(function: Any, rows: int) -> bool:
    """Whether `function` is the reference's, on a case of more rows than a batch."""
    return rows > BATCH and getattr(function, "__module__", "") == REFERENCE_MODULE


def first_rows(*arrays: np.ndarray) -> list[np.ndarray]:
    """Copies of the first batch of each array's rows."""
    return [array[:BATCH].copy() for array in arrays]


def mismatch(what: str, expected: str, got: str, rows: int, measured: str, per_model: str = "") -> Mismatch:
    """The failure that names the mistake: `measured` ("these are the norms on") the first batch alone."""
    gradients = "each gradient is" if per_model else "the gradient is"
    return Mismatch(what, expected, got,
                    (f"{measured} the first {BATCH} rows only: the case has {rows} rows, and {gradients} of "
                     "the loss over all of them",
                     f"{BATCH} is the batch size fit uses, but measuring a gradient needs no batches: one forward "
                     f"pass on all of x{per_model}",
                     f"call model(x) on the whole x and y{' for each fresh model' if per_model else ''} (no "
                     "x[:32], no batching loop, no dataset's first batch)"), MISTAKE)
