"""A learner's submission as the code cells it runs: a `.py` module, or a notebook's code cells."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.escape import visible

SHELL_CELL_MAGICS = ("%%bash", "%%sh", "%%script", "%%html", "%%javascript", "%%js", "%%latex",
                     "%%markdown", "%%svg", "%%writefile", "%%perl", "%%ruby")

# Cells tagged so only show learners what they computed (plots); grading them would only cost time.
SKIP_TAG = "skip-grading"
# A cell whose first line starts with this is left out too: `check()` reads a session's cells without
# their tags (the released notebook's install cell starts with it).
SKIP_COMMENT = f"# {SKIP_TAG}"
# `files = !ls` and `timing = %timeit f()`
ASSIGNED_MAGIC = re.compile(r"^[\w\s,]+=\s*[!%]")


# The most code the grader reads: past it a module is not read at all, and a notebook's code cells are
# refused. No course submission comes near it (the chapter's solutions are under 100 KiB).
MAX_BYTES = 20 * 1024 * 1024
# A notebook is read up to this size: what it holds beyond its code is mostly outputs (plots a learner left
# in), which are never graded and are dropped as the notebook is parsed, so reading one costs about twice
# its size in memory (the file's text, and its parsed code and markdown), never a copy of every output.
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024


SUFFIXES = (".py", ".ipynb")


def name(path: Path, nbgrader: bool = False) -> str:
    """A submission's name in a batch, unique and stable: its file name, suffix kept, or in nbgrader's
    `submitted/` layout `<student>/<assignment>/<file name>`. `grader batch` writes its results to
    OUT/<name>.json."""
    return "/".join(path.parts[-3:] if nbgrader else path.parts[-1:])


class SubmissionError(Exception):
    """The file cannot be graded at all (missing, unreadable, neither .py nor .ipynb): a refusal (exit 1)."""


class UnloadableSubmission(SubmissionError):
    """The learner's file is there but holds no code to run: empty, binary, not text Python can decode,
    a truncated or foreign notebook, or too large. It scores 0, with this one line saying why."""


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
    """Reads a learner's `.py` module as Python would import it, or an `.ipynb` notebook as Jupyter would.

    Raises:
        UnloadableSubmission: the file holds nothing to run (it scores 0, saying why).
        SubmissionError: the file is missing, unreadable, or neither a module nor a notebook.
    """
    path = Path(path)
    shown = visible(str(path), one_line=True)  # a name that is not UTF-8 shows its bytes escaped
    if not path.is_file():
        raise SubmissionError(f"{shown}: no such file")
    if path.suffix not in SUFFIXES:
        raise SubmissionError(f"{shown}: expected a .py module or an .ipynb notebook")
    name = visible(path.name, one_line=True)
    cap = MAX_NOTEBOOK_BYTES if path.suffix == ".ipynb" else MAX_BYTES
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:  # never more than the cap, even if it grew since
            data = handle.read(min(size, cap) + 1) if size <= cap else b""
    except OSError as error:
        raise SubmissionError(f"{shown}: cannot read it ({error.strerror or error})") from error
    if size > cap or len(data) > cap:
        advice = (": clear its outputs (Edit > Clear Outputs of All Cells), save it, and submit it again"
                  if path.suffix == ".ipynb" else "")
        raise UnloadableSubmission(f"{name} is larger than {cap // 2**20} MiB, the most the grader reads{advice}")
    if not data or data.isspace():  # no copy of a large file
        blank = f" ({len(data)} bytes of blank space)" if data else ""
        raise UnloadableSubmission(f"{name} is empty{blank}: was it saved before submitting?")
    if path.suffix == ".py":
        return Submission(path, [python_source(data, name)], tolerant=False)
    text = notebook_text(data, name)
    del data  # one copy of the notebook in memory while it is parsed
    return Submission(path, notebook_cells(text, name), tolerant=True)


def python_source(data: bytes, name: str = "module") -> str:
    """A module's bytes decoded exactly as Python decodes a source file: a UTF-8 byte-order mark, a PEP 263
    coding line, any line endings (as newlines).

    Raises:
        UnloadableSubmission: Python could not read it as source text (not text, or a binary file).
    """
    encoding = "utf-8"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = importlib.util.decode_source(data)
    except SyntaxError as error:  # a coding line naming an unknown encoding; or line 1 or 2 is not UTF-8
        lines = io.BytesIO(data)
        try:
            (lines.readline() + lines.readline()).decode("utf-8")  # where Python looks for a coding line
        except UnicodeDecodeError as undecodable:
            raise _not_text(data, undecodable, name, encoding) from error
        raise UnloadableSubmission(f"{name} cannot be read as Python source: {error.msg}") from error
    except UnicodeDecodeError as error:
        raise _not_text(data, error, name, encoding) from error
    if "\0" in text:
        raise UnloadableSubmission(f"{name} contains NUL bytes: it is a binary file, not Python source")
    return text


def _not_text(data: bytes, error: UnicodeDecodeError, name: str, encoding: str) -> UnloadableSubmission:
    line = data[:error.start].count(b"\n") + 1
    expected = ("its coding line declares" if encoding not in ("utf-8", "utf-8-sig")
                else "Python expects without a coding line")
    return UnloadableSubmission(f"{name} cannot be read as Python source: byte 0x{data[error.start]:02x} on line "
                                f"{line} is not {encoding.upper()}, which {expected} (is it a binary file? else "
                                "save it as UTF-8)")


def notebook_text(data: bytes, name: str = "notebook") -> str:
    """A notebook file's text (UTF-8, with or without a byte-order mark, as Jupyter reads it).

    Raises:
        UnloadableSubmission: it is not UTF-8 text.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnloadableSubmission(f"{name} is not a Jupyter notebook: byte 0x{data[error.start]:02x} at offset "
                                   f"{error.start} is not UTF-8 (is it a binary file?)") from error


def _without_outputs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as the notebook parser builds it, outputs and attachments dropped as soon as each is
    parsed: they are never graded, and a notebook's memory is mostly theirs."""
    found = dict(pairs)
    if "output_type" in found:  # one output (nbformat 3 and 4): its type is all a reader may need
        return {"output_type": found["output_type"]}
    if isinstance(found.get("outputs"), list):
        found["outputs"] = []
    found.pop("attachments", None)  # a markdown cell's pasted images
    return found


def notebook_cells(data: bytes | str, name: str = "notebook") -> list[str]:
    """The code cells of a notebook, as Jupyter reads it (any nbformat version nbformat can read, upgraded
    to version 4), as plain Python, skipping nbgrader's test cells and cells tagged `skip-grading`.
    Outputs are dropped while it is parsed; code cells holding more than MAX_BYTES are refused.

    Raises:
        UnloadableSubmission: not a notebook: not text, not JSON (a truncated file), or not a notebook; or
            more code than the grader reads.
    """
    text = notebook_text(data, name) if isinstance(data, bytes) else data
    try:
        notebook = json.loads(text, object_pairs_hook=_without_outputs)
    except ValueError as error:
        where = f"line {error.lineno}, column {error.colno}" if hasattr(error, "lineno") else str(error)
        ended = isinstance(error, json.JSONDecodeError) and (error.pos >= len(text.rstrip()) - 1
                                                             or error.msg.startswith("Unterminated string"))
        why = "it ends before the notebook does (was it saved completely?)" if ended else f"invalid JSON at {where}"
        raise UnloadableSubmission(f"{name} is not a Jupyter notebook: {why}") from error
    cells = _plain_v4_cells(notebook)
    if cells is None:
        cells = _cells_read_by_nbformat(notebook, name)
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = metadata.get("tags")
        if is_test_cell(cell) or (isinstance(tags, list) and SKIP_TAG in tags):
            continue
        source = cell.get("source", "")
        text = "".join(map(str, source)) if isinstance(source, list) else str(source)
        if not skips_grading(text):
            sources.append(as_python(text))
    if sum(len(source.encode(errors="surrogatepass")) for source in sources) > MAX_BYTES:
        raise UnloadableSubmission(f"{name} holds more than {MAX_BYTES // 2**20} MiB of code, the most the "
                                   "grader reads")
    return sources


def _plain_v4_cells(notebook: Any) -> list[dict[str, Any]] | None:
    """The cells of a well-formed version-4 notebook (Jupyter's format since 2015), as nbformat reads them
    (each list of source lines joined), without importing nbformat: its import takes 0.8 s, most of it a
    grammar of URIs that its validator builds, paid by every `grader grade` and batch. None for anything
    else (older versions, odd shapes), which `_cells_read_by_nbformat` reads or refuses as it always did."""
    if not isinstance(notebook, dict) or notebook.get("nbformat") != 4 or not isinstance(notebook.get("metadata"),
                                                                                         dict):
        return None
    cells = notebook.get("cells")
    if not isinstance(cells, list) or not all(_plain_v4_cell(cell) for cell in cells):
        return None
    return [{**cell, "source": "".join(cell["source"])} if isinstance(cell["source"], list) else cell
            for cell in cells]


def _plain_v4_cell(cell: Any) -> bool:
    if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
        return False
    source = cell.get("source")
    return isinstance(source, str) or isinstance(source, list) and all(isinstance(line, str) for line in source)


def _cells_read_by_nbformat(notebook: Any, name: str) -> list[Any]:
    """The cells of any notebook nbformat can read, upgraded to version 4 as Jupyter does.

    Raises:
        UnloadableSubmission: JSON that nbformat cannot read as a notebook.
    """
    import nbformat

    try:
        if not isinstance(notebook, dict) or not isinstance(notebook.get("nbformat"), int):
            raise ValueError("it has no nbformat version")
        major, minor = nbformat.reader.get_version(notebook)
        if major not in nbformat.versions:
            raise ValueError(f"nbformat version {major} is unknown")
        notebook = nbformat.convert(nbformat.versions[major].to_notebook_json(notebook, minor=minor), 4)
        cells = notebook.get("cells")
        if not isinstance(cells, list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # whatever nbformat makes of foreign JSON, it is not a notebook
        raise UnloadableSubmission(f"{name} is JSON but not a Jupyter notebook that nbformat "
                                   f"{nbformat.__version__} can read: {str(error)[:200]}") from error
    return cells


def skips_grading(source: str) -> bool:
    """True for a cell that says, on its first line, that it is not graded (SKIP_COMMENT)."""
    return source.lstrip().startswith(SKIP_COMMENT)


def is_test_cell(cell: dict) -> bool:
    """nbgrader's autograder test cells grade the notebook; running them would grade it again."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return isinstance(meta, dict) and bool(meta.get("grade")) and not meta.get("solution")


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
