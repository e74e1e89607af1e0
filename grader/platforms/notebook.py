"""`check()`: the learner's public checks from inside a notebook or a script.

It grades the code as the learner ran it, in a separate process (the kernel's own state is never
trusted or touched): in IPython the cells of this session's input history, in a script its file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader import exercises
from grader.core import kernel
from grader.core.submission import Submission, as_python, skips_grading

if TYPE_CHECKING:
    from grader.core.results import Report
    from grader.grading.settings import Settings


def inside_grader() -> bool:
    """True in the grader's own child processes: forks of `grader.runner.worker`, or `grader.runner.portable`'s
    processes."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", "") in ("grader.runner.worker", "grader.runner.portable")


def session_submission() -> Submission:
    """This IPython session's executed cells, or the running script, as a submission."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is not None and hasattr(shell, "history_manager"):
        raw = list(shell.history_manager.input_hist_raw)[1:-1]  # skip the empty slot and this cell
        cells = [as_python(cell) for cell in raw if "check(" not in cell and not skips_grading(cell)]
        return Submission(Path("notebook session"), cells, tolerant=True)
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path:
        raise RuntimeError("check() needs a notebook or a script; call `grader check FILE` instead")
    from grader.core.submission import load

    return load(Path(path))


def check(*names: str, file: str | os.PathLike | None = None, hidden: bool = False) -> float | None:
    """Runs the public checks and shows the feedback: with pictures under the cell in Jupyter or Colab,
    as text in a terminal or script.

    Args:
        names: exercises to check (default: every exercise), e.g. check("dead_neuron_mask").
        file: a `.py` or `.ipynb` file to check instead of this session's code.
        hidden: also run the hidden cases (instructors: needs the reference solutions).

    Returns:
        The points earned on the public checks, or None inside the grader's own run.
    """
    if inside_grader():
        return None  # the grader is running this code: checking again would recurse
    from grader.core.escape import visible
    from grader.core.submission import UnloadableSubmission
    from grader.grading.grade import unloadable
    from grader.output import report
    from grader.output.hints import Ladders

    try:
        result, folder = _grade(names, file, hidden)
    except UnloadableSubmission as error:  # nothing to run: 0, in one line saying why
        result = unloadable(Path(file or "script"), str(error), _settings(names, hidden))
        _say(visible(f"{result.score:g}/{result.max_score:g}: not graded: {error}", one_line=True))
        return result.score
    Ladders(folder).record(result)
    text = report.text(result)
    if kernel.in_notebook():
        from IPython.display import display

        display({"text/html": visible(_notebook_html(result)), "text/plain": text}, raw=True)
    else:
        _say(text)
    return result.score


def _say(text: str) -> None:
    """Prints `text`; a character the output's encoding lacks (a Windows code page) shows escaped."""
    try:
        print(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding))


def hint(name: str, file: str | os.PathLike | None = None) -> str | None:
    """Checks exercise `name` again and shows the next hint for its current mistake.

    The first call after `check()` shows the second hint, then the third...; the hints seen are kept
    per exercise and mistake in `.grader-hints.json` beside your work (grader.output.hints).

    Returns:
        The hint shown, or None when the exercise passes its public checks (or inside the grader's run).
    """
    if inside_grader():
        return None
    from grader.output.hints import Ladders

    exercises.get(name)  # an unknown name says which exist
    result, folder = _grade((name,), file, False)
    ladders = Ladders(folder)
    ladders.record(result)
    shown = ladders.next(name)
    _say(str(shown) if shown else f"{name} passes its public checks: no hint needed")
    return shown.text if shown else None


def _grade(names: tuple[str, ...], file: str | os.PathLike | None, hidden: bool) -> tuple[Report, Path]:
    """The report of a public check (all cases with `hidden`), and the folder beside the learner's work."""
    from grader.core.submission import load
    from grader.grading.grade import grade

    submission = load(Path(file)) if file else session_submission()
    folder = Path(file).resolve().parent if file else (
        submission.path.resolve().parent if submission.path.exists() else Path.cwd())
    return grade(submission, _settings(names, hidden)), folder


def _settings(names: tuple[str, ...], hidden: bool) -> Settings:
    from grader.grading.settings import Settings, chosen_seed

    settings = Settings(public_only=not hidden, only=tuple(names) or exercises.NAMES)
    if hidden:  # the source notebook's hidden test cells, as an instructor runs them: $GRADER_SEED's cases
        settings.seed = chosen_seed(None, lambda warning: print(f"note: {warning}"))
    return settings


def _notebook_html(result: Report) -> str:
    """Each checked exercise's section of the feedback page (verdicts and picture), for a cell's output."""
    from grader.output.html import STYLE, exercise_section

    sections = "".join(exercise_section(exercise) for exercise in result.exercises)
    total = f"<p class=score><strong>{result.score:.2f} / {result.max_score:.2f}</strong> points</p>"
    return f"<div class=grader-feedback>{_scoped(STYLE)}<main>{sections}{total}</main></div>"


def _scoped(style: str) -> str:
    """The feedback page's style, each rule limited to the feedback's own element (not the notebook's)."""
    import re

    def scope(match: re.Match) -> str:
        selectors = ",".join(".grader-feedback" + ("" if s.strip() == "body" else " " + s.strip())
                             for s in match.group(1).split(","))
        return selectors + "{" + match.group(2) + "}"

    return "<style>" + re.sub(r"([^{}]+)\{([^{}]*)\}", scope, style) + "</style>"
