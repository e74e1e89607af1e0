"""Typed failures that checks raise: each says what was expected, what the code gave, and one hint."""

from __future__ import annotations

Hints = str | tuple[str, ...]


class Failure(Exception):
    """A check failed.

    Args:
        message: what went wrong, in the learner's terms.
        hint: a pointer to the concept that fixes it, or a ladder of them, gentlest first.
        mistake: a stable id of the misconception this failure stands for ("reused-model"), unique within
            its exercise; empty when the failure is not one the grader can name.
    """

    def __init__(self, message: str, hint: Hints = "", mistake: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hints = (hint,) if isinstance(hint, str) else tuple(hint)
        self.hint = self.hints[0] if self.hints else ""
        self.mistake = mistake


class Mismatch(Failure):
    """The code's answer differs from the expected one."""

    def __init__(self, what: str, expected: object, actual: object, hint: Hints = "", mistake: str = "") -> None:
        super().__init__(f"{what}: expected {expected}, got {actual}", hint, mistake)
        self.expected = expected
        self.actual = actual


class Crash(Failure):
    """The code raised, hung, or died before answering."""


def explain_error(error: dict, exercise: str) -> str:
    """One hint for an exception the learner's code raised (given as plain data)."""
    kind, message = error.get("type", ""), error.get("message", "")
    if kind == "NotImplementedError":
        return f"{exercise} is not written yet: replace `raise NotImplementedError` with your code"
    if "'lr'" in message or "lr=" in message:
        return ("Keras 3 removed SGD(lr=...): the argument is learning_rate, as in "
                "keras.optimizers.SGD(learning_rate=0.01). Older course material still says lr")
    if "is incompatible with the layer" in message:
        return ("a layer got input of the wrong width: each layer takes the previous layer's output, so run "
                "x through the layers in order rather than giving x to each one")
    if kind == "NameError" and exercise in message:
        return f"define a function named exactly {exercise}, as in the exercise's stub"
    if kind in ("SystemExit", "KeyboardInterrupt"):
        return "do not call sys.exit() or exit() in a submission: return the answer instead"
    if kind == "CellTimeout":
        return "a cell ran too long; keep exploration cells small"
    if kind == "MemoryError":
        return "your code asked for more memory than the grader allows: look for arrays far larger than the data"
    return "read the traceback: its last line in your code is where it failed"
