"""Comparisons of numbers the grader makes with its own NumPy, never the learner's."""

from __future__ import annotations

import numpy as np


def relative_error(actual: np.ndarray, expected: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """|actual - expected| / max(|expected|, floor), elementwise; NaN where only one side is NaN."""
    actual = np.asarray(actual, dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    with np.errstate(all="ignore"):
        error = np.abs(actual - expected) / np.maximum(np.abs(expected), floor)
    both_nan = np.isnan(actual) & np.isnan(expected)
    same_inf = np.isinf(actual) & (actual == expected)
    exact = actual == expected
    error = np.where(both_nan | same_inf | exact, 0.0, error)
    return np.where(np.isnan(error), np.inf, error)


def close(actual: np.ndarray, expected: np.ndarray, rtol: float, floor: float = 0.0) -> bool:
    """True when every element is within `rtol` of the expected one (relative to max(|e|, floor))."""
    actual = np.asarray(actual, dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    if actual.shape != expected.shape:
        return False
    return bool(np.all(relative_error(actual, expected, floor) <= rtol))


def fmt(values: np.ndarray | float, digits: int = 4) -> str:
    """Numbers as a short readable list."""
    array = np.atleast_1d(np.asarray(values, dtype="float64"))
    text = ", ".join(f"{v:.{digits}g}" for v in array[:8])
    more = f", ... ({array.size} in all)" if array.size > 8 else ""
    return f"[{text}{more}]" if np.ndim(values) else text
