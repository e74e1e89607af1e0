"""Typed failures that checks raise: each says what was expected, what the code gave, and one hint."""

from __future__ import annotations

import re

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


NOT_ATTEMPTED = "not-attempted"
# The error types a child reports for an exercise function the submission does not define (grader.runner.child):
# none at all (not attempted), or one with a near name (misnamed, the message ending with that name).
NOT_DEFINED = "NotDefined"
MISNAMED = "MisnamedFunction"


# The mistakes any exercise's code can make, as a class reads them on the summary page (each exercise's own
# are its module's MISTAKES).
MISTAKES = {
    NOT_ATTEMPTED: "not written yet: the stub still raises NotImplementedError, or the file has no function of "
                   "that name",
    "misnamed-function": "wrote the function under a near name (compile_sgd for compile_with_sgd), so the "
                         "grader found none",
    "lr-keyword": "used SGD(lr=...), which Keras 3 removed: the argument is learning_rate",
    "layers-not-chained": "gave x to every layer instead of each layer's output to the next",
    "exits": "called sys.exit() or exit() instead of returning the answer",
    "cell-timeout": "a notebook cell ran past its time limit",
    "out-of-memory": "used more memory than the grader allows",
    "time-out": "ran past the exercise's time limit (a loop that never ends, or far more training)",
    "top-level-time-out": "code at the top level of the file (training, a loop) ran past the load limit",
    "native-crash": "crashed in native code (deep recursion, ctypes, memory)",
    "shut-in": "tried something the sandbox forbids (starting processes, the network, writing files)",
    "grader-failure": "the grader itself failed on this submission: not the learner's mistake",
    "returns-nothing": "returned None: the function prints its result, or ends without `return`",
    "wrong-type": "returned another kind of value than the docstring's Returns (a list for a dict, text for "
                  "a number)",
}


def explain_error(error: dict, exercise: str) -> tuple[Hints, str]:
    """Hints for an exception the learner's code raised (given as plain data), and the mistake they name.

    Returns:
        (hint or ladder of hints, mistake id); the id is empty when the error is not one the grader knows.
    """
    kind, message = error.get("type", ""), error.get("message", "")
    if kind == "NotImplementedError":
        return (f"{exercise} is not written yet: replace `raise NotImplementedError` with your code",), NOT_ATTEMPTED
    if "'lr'" in message or "lr=" in message:
        return (("Keras 3 removed SGD(lr=...): the argument is learning_rate, as in "
                 "keras.optimizers.SGD(learning_rate=0.01). Older course material still says lr",
                 "the error names the argument the optimizer did not recognise: lr is the old spelling",
                 "search your code for `lr=` and rename each one to `learning_rate=`"), "lr-keyword")
    if "is incompatible with the layer" in message:
        return (("a layer got input of the wrong width: each layer takes the previous layer's output, so run "
                 "x through the layers in order rather than giving x to each one",
                 "keep one variable for the current output: start it at x, and on each layer replace it "
                 "with that layer applied to it",
                 "the shape of the loop: `out = x`, then for each layer `out = layer(out)`; read each mask "
                 "from `out` right after a ReLU layer"), "layers-not-chained")
    if kind == NOT_DEFINED:
        return (f"{exercise} is not in your file yet: define it as in the exercise's stub",), NOT_ATTEMPTED
    if kind == MISNAMED:
        near = message.rsplit(" ", 1)[-1]
        return ((f"the grader calls {exercise}, and your file defines {near} instead: name it exactly "
                 f"{exercise}, as in the exercise's stub",
                 "the grader finds each exercise by its function's name, so a near name counts as missing",
                 f"rename `def {near}(` to `def {exercise}(` (and any call of it)"), "misnamed-function")
    if kind in ("SystemExit", "KeyboardInterrupt"):
        return "do not call sys.exit() or exit() in a submission: return the answer instead", "exits"
    if kind == "CellTimeout":
        return "a cell ran too long; keep exploration cells small", "cell-timeout"
    if kind == "MemoryError":
        return ("your code asked for more memory than the grader allows: look for arrays far larger than the "
                "data", "out-of-memory")
    return "read the traceback: its last line in your code is where it failed", ""


_SHAPES = (
    (re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"),  # quoted names
    (re.compile(r"<[^<>]*>"), "<…>"),  # reprs of objects
    (re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE), "N"),  # numbers
    (re.compile(r"\[(?:N,? ?)+\]|\((?:N,? ?)+\)"), "[N…]"),  # lists and tuples of numbers
    (re.compile(r"\s+"), " "),
)


def message_shape(message: str) -> str:
    """A message with its numbers, quoted names and object reprs replaced by placeholders.

    Failures the grader cannot name are grouped by shape, so that "expected [0.1, 0.2], got [0.3]" and
    "expected [1.5], got [2.0, 3.0]" count as one kind of failure.
    """
    text = (message.splitlines() or [""])[0][:300]
    for pattern, placeholder in _SHAPES:
        text = pattern.sub(placeholder, text)
    return text.strip()
