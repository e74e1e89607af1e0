"""A learner's submission as the code cells it runs: a `.py` module, or a notebook's code cells."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

SHELL_CELL_MAGICS = ("%%bash", "%%sh", "%%script", "%%html", "%%javascript", "%%js", "%%latex",
                     "%%markdown", "%%svg", "%%writefile", "%%perl", "%%ruby")

# Cells tagged so only show learners what they computed (plots); grading them would only cost time.
SKIP_TAG = "skip-grading"
# `files = !ls` and `timing = %timeit f()`
ASSIGNED_MAGIC = re.compile(r"^[\w\s,]+=\s*[!%]")


class SubmissionError(Exception):
    """The file cannot be read as a submission."""


@dataclass
class Submission:
    """What the grader runs for one learner.

    Attributes:
        path: the file it came from.
        cells: code to run in order in one namespace; for a module, a single cell.
        tolerant: a notebook's cells run on past an error in one cell; a module stops at its first.
    """

    path: Path
    cells: list[str]
    tolerant: bool


def load(path: Path) -> Submission:
    """Reads a learner's `.py` module or `.ipynb` notebook.

    Raises:
        SubmissionError: the file is missing, unreadable, or neither a module nor a notebook.
    """
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SubmissionError(f"{path}: cannot read it ({error})") from error
    if path.suffix == ".py":
        return Submission(path, [text], tolerant=False)
    if path.suffix == ".ipynb":
        return Submission(path, notebook_cells(text, path), tolerant=True)
    raise SubmissionError(f"{path}: expected a .py module or an .ipynb notebook")


def notebook_cells(text: str, path: Path | str = "notebook") -> list[str]:
    """The code cells of a notebook as plain Python, skipping nbgrader's test cells."""
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SubmissionError(f"{path}: not a Jupyter notebook ({error})") from error
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if is_test_cell(cell) or SKIP_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        sources.append(as_python("".join(source) if isinstance(source, list) else str(source)))
    return sources


def is_test_cell(cell: dict) -> bool:
    """nbgrader's autograder test cells grade the notebook; running them would grade it again."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def as_python(source: str) -> str:
    """Turns IPython-only lines (magics, shell escapes, `?` help) into `pass`, keeping line numbers."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith(SHELL_CELL_MAGICS):
        return ""
    if lines and lines[0].lstrip().startswith("%%"):
        lines[0] = "pass"
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")
                                              and stripped[:-1].replace(".", "").isidentifier()):
            out.append(indent + "pass")
        elif ASSIGNED_MAGIC.match(stripped):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out) + "\n"
