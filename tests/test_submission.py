"""Reading submissions as learners really write them: modules and messy notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.submission import SubmissionError, as_python, load


def notebook(path: Path, cells: list[dict]) -> Path:
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def code(source: str, **nbgrader: object) -> dict:
    meta = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "source": source, "metadata": meta, "outputs": [], "execution_count": None}


def test_magics_and_shell_lines_become_pass_keeping_line_numbers() -> None:
    source = "%matplotlib inline\n!pip install keras\nfiles = !ls\nx = 1\n  %time f()\nmodel.fit?\n"
    lines = as_python(source).splitlines()
    assert lines == ["pass", "pass", "pass", "x = 1", "  pass", "pass"]


def test_shell_cell_magics_are_dropped_and_other_cell_magics_keep_their_body() -> None:
    assert as_python("%%bash\nrm -rf /\n").strip() == ""
    assert as_python("%%time\nx = 1\n").splitlines() == ["pass", "x = 1"]


def test_a_notebook_keeps_code_cells_in_order_and_skips_markdown_and_test_cells(tmp_path: Path) -> None:
    path = notebook(tmp_path / "n.ipynb", [
        {"cell_type": "markdown", "source": "# title", "metadata": {}},
        code("import numpy as np"),
        code(["def f():\n", "    return 1\n"]),
        code("check('f')", grade=True, solution=False, points=2),
        code("def g(): pass", grade=False, solution=True),
    ])
    submission = load(path)
    assert submission.tolerant
    assert submission.cells == ["import numpy as np\n", "def f():\n    return 1\n", "def g(): pass\n"]


def test_a_module_is_one_cell_that_stops_at_its_first_error(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    submission = load(path)
    assert submission.cells == ["x = 1\n"] and not submission.tolerant


@pytest.mark.parametrize("name, content", [("missing.py", None), ("notes.txt", "hi"), ("bad.ipynb", "{not json")])
def test_unreadable_files_raise_a_clear_error(tmp_path: Path, name: str, content: str | None) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(SubmissionError, match=name):
        load(path)
