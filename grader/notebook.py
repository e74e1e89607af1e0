"""`check()`: the learner's public checks from inside a notebook or a script.

It grades the code as the learner ran it, in a separate process (the kernel's own state is never
trusted or touched): in IPython the cells of this session's input history, in a script its file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from grader import exercises
from grader.submission import Submission, as_python


def inside_grader() -> bool:
    """True in the grader's own child processes, which are forks of `python -m grader.worker`."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", "") == "grader.worker"


def session_submission() -> Submission:
    """This IPython session's executed cells, or the running script, as a submission."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython else None
    if shell is not None and hasattr(shell, "history_manager"):
        raw = list(shell.history_manager.input_hist_raw)[1:-1]  # skip the empty slot and this cell
        cells = [as_python(cell) for cell in raw if "check(" not in cell]
        return Submission(Path("notebook session"), cells, tolerant=True)
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path:
        raise RuntimeError("check() needs a notebook or a script; call `grader check FILE` instead")
    from grader.submission import load

    return load(Path(path))


def check(*names: str, file: str | os.PathLike | None = None, hidden: bool = False) -> float | None:
    """Runs the public checks and prints the feedback.

    Args:
        names: exercises to check (default: every exercise), e.g. check("dead_neuron_mask").
        file: a `.py` or `.ipynb` file to check instead of this session's code.
        hidden: also run the hidden cases (instructors: needs the reference solutions).

    Returns:
        The points earned on the public checks, or None inside the grader's own run.
    """
    if inside_grader():
        return None  # the grader is running this code: checking again would recurse
    from grader import report
    from grader.grading import Settings, grade
    from grader.submission import load

    submission = load(Path(file)) if file else session_submission()
    settings = Settings(public_only=not hidden, only=tuple(names) or exercises.NAMES)
    result = grade(submission, settings)
    print(report.text(result))
    return result.score
