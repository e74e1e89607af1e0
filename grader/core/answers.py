"""A learner's return value as plain data (in the child), and read back (in the grader).

`encode` keeps what the checks need to judge an answer and to say what it was: dict keys with their
types, lists, numbers, arrays (tensors become arrays), and for anything else only its type name.
The grader side never sees a learner object, only this encoding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core.feedback import Failure

MAX_ITEMS = 10_000
MAX_DEPTH = 6


def encode(value: Any, depth: int = 0) -> Any:
    """Plain data for `value` (runs in the child)."""
    if depth > MAX_DEPTH:
        return {"object": "structure nested too deep"}
    if value is None or isinstance(value, bool | str):
        return value[:1000] if isinstance(value, str) else value
    if isinstance(value, np.generic):
        return value.item() if value.dtype.kind in "biuf" else {"object": type(value).__name__}
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else int(value)
    if isinstance(value, dict):
        items = list(value.items())[:MAX_ITEMS]
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in items]}
    if isinstance(value, list | tuple):
        return {"list": [encode(v, depth + 1) for v in list(value)[:MAX_ITEMS]],
                "type": type(value).__name__}
    if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001 - an unconvertible object is reported by its type
            return {"object": type(value).__name__}
        if array.dtype.kind in "biuf" and array.size <= 1_000_000:
            return array
    return {"object": type(value).__name__}


def kind(answer: Any) -> str:
    """What an encoded answer is, in words: 'a dict of 3 items', 'None', 'a History object'."""
    if answer is None:
        return "None"
    if isinstance(answer, bool):
        return f"the bool {answer}"
    if isinstance(answer, int | float):
        return f"the number {answer!r}"
    if isinstance(answer, str):
        return f"the string {answer!r}"
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape}" if answer.ndim else f"the number {answer.item()!r}"
    if "dict" in answer:
        return f"a dict of {len(answer['dict'])} items"
    if "list" in answer:
        return f"a {answer['type']} of {len(answer['list'])} items"
    return f"a {answer['object']} object"


def as_number(answer: Any, what: str, hint: str = "") -> float:
    """A float from an encoded number, 0-d array or one-element list; else a Failure."""
    if isinstance(answer, bool) or answer is None:
        raise _wrong_type(answer, f"{what} should be a number", hint)
    if isinstance(answer, int | float):
        return float(answer)
    if isinstance(answer, np.ndarray) and answer.size == 1:
        return float(answer.reshape(()))
    raise _wrong_type(answer, f"{what} should be a number", hint)


def as_vector(answer: Any, what: str, hint: str = "") -> np.ndarray:
    """A 1-d float64 array from an encoded list of numbers or a 1-d array; else a Failure."""
    if isinstance(answer, np.ndarray) and answer.ndim == 1:
        return answer.astype("float64")
    if isinstance(answer, dict) and "list" in answer:
        return np.array([as_number(item, f"each item of {what}", hint) for item in answer["list"]])
    raise _wrong_type(answer, f"{what} should be a list of numbers", hint)


def as_items(answer: Any, what: str, hint: str = "") -> list[tuple[Any, Any]]:
    """The (key, value) pairs of an encoded dict; else a Failure."""
    if isinstance(answer, dict) and "dict" in answer:
        return [(key, value) for key, value in answer["dict"]]
    raise _wrong_type(answer, f"{what} should be a dict", hint)


def _wrong_type(answer: Any, should: str, hint: str) -> Failure:
    """An answer of the wrong kind; returning nothing (None) is a mistake of its own."""
    if answer is None:
        return Failure(f"{should}, got None", (
            hint or "return the answer",
            "a function that only prints, or ends without `return`, gives None: end yours with "
            "`return` followed by the result",
            "build the result in a variable as you go, and make `return result` the function's last line"),
            "returns-nothing")
    return Failure(f"{should}, got {kind(answer)}", (
        hint or "return what the exercise's docstring describes",
        "read the 'Returns' part of the docstring: the kind of value (a list, a dict, a number) matters, "
        "not only what is inside",
        "compare the example in the notebook's docstring with what your function gives: type(result) "
        "should match"), "wrong-type")


def as_key_number(key: Any) -> float | None:
    """A dict key as a number, or None when it is not one (strings do not count)."""
    if isinstance(key, bool) or key is None or isinstance(key, str):
        return None
    if isinstance(key, int | float):
        return float(key)
    if isinstance(key, np.ndarray) and key.size == 1:
        return float(key.reshape(()))
    return None
