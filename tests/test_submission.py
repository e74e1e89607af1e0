"""Reading submissions as learners really write them: modules and messy notebooks."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from unittest.mock import ANY

import nbformat  # noqa: F401 - imported before any memory is measured
import pytest

from grader import exercises
from grader.core.submission import SubmissionError, UnloadableSubmission, as_python, load, notebook_cells

REPO = Path(__file__).resolve().parent.parent


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


# --- Files as Python and Jupyter read them -------------------------------------------------------------

def python_reads(path: Path) -> dict:
    """What Python itself makes of a module file: its namespace after `import`."""
    spec = importlib.util.spec_from_file_location(f"as_python_reads_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {k: v for k, v in vars(module).items() if not k.startswith("__")}


def grader_reads(path: Path) -> dict:
    """What the grader's child makes of the same file: its one cell, compiled and run."""
    submission = load(path)
    namespace: dict = {}
    exec(compile(submission.cells[0], "<module>", "exec"), namespace)  # noqa: S102 - the test's own code
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


SOURCE = "def greet():\n    return 'héllo, wörld'\n\nanswer = [greet(), len(greet())]\n"
MODULES = {
    "windows_editor": b"\xef\xbb\xbf" + SOURCE.replace("\n", "\r\n").encode(),  # UTF-8 BOM, CRLF
    "old_mac_line_endings": SOURCE.replace("\n", "\r").encode(),
    "latin1_coding_line": b"# -*- coding: latin-1 -*-\n" + SOURCE.encode("latin-1"),
    "cp1252_coding_line_crlf": ("# coding=cp1252\r\n" + SOURCE.replace("\n", "\r\n")).encode("cp1252"),
    "vim_coding_line": b"#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n" + SOURCE.encode(),
    "no_newline_at_end": SOURCE.rstrip("\n").encode(),
}


@pytest.mark.parametrize("name", MODULES)
def test_a_module_loads_exactly_as_python_imports_it(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.py"
    path.write_bytes(MODULES[name])
    expected = python_reads(path)
    assert expected["answer"] == ["héllo, wörld", 12]
    assert grader_reads(path) == {k: v for k, v in expected.items() if k != "greet"} | {"greet": ANY}


def test_a_notebook_loads_as_jupyter_reads_it_from_any_nbformat_version(tmp_path: Path) -> None:
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""}, "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# old", "metadata": {}},
        {"cell_type": "code", "language": "python", "input": "x = 1\r\ny = 2", "outputs": [], "metadata": {}}]}]}
    path = tmp_path / "v3.ipynb"
    path.write_text(json.dumps(v3))
    assert load(path).cells == ["x = 1\ny = 2\n"]
    bom = tmp_path / "bom.ipynb"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"cells": [code("z = 'ü'\r\n")], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}).encode())
    assert load(bom).cells == ["z = 'ü'\n"]


def test_a_version_4_notebook_reads_the_same_without_importing_nbformat(tmp_path: Path) -> None:
    """The common case skips nbformat's 0.8 s import; what it reads is what nbformat reads, cell for cell."""
    from grader.core.submission import _cells_read_by_nbformat, _plain_v4_cells

    released = json.loads((REPO / "source" / "optimization" / "optimization.ipynb").read_text())
    lines = {"cells": [code(["def f():\n", "    return 'ü'\n"]), code("x = 1", grade=True, solution=False),
                       {"cell_type": "markdown", "source": ["# a\n", "b"], "metadata": {"tags": ["x"]}}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for read in (released, lines):
        plain = _plain_v4_cells(json.loads(json.dumps(read)))
        assert plain is not None
        assert plain == [dict(cell) for cell in _cells_read_by_nbformat(json.loads(json.dumps(read)), "n")]
    path = notebook(tmp_path / "plain.ipynb", [code("def f():\n    return 1\n")])
    script = (f"import sys; from grader.core.submission import load; load({str(path)!r}); "
              "print('nbformat' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
    # an odd shape (a cell without metadata) goes to nbformat, which refuses it as before
    odd = {"cells": [{"cell_type": "code", "source": "x = 1"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert _plain_v4_cells(odd) is None
    with pytest.raises(UnloadableSubmission, match="nbformat .* can read"):
        notebook_cells(json.dumps(odd))


def half_written_notebook(path: Path) -> None:
    whole = json.dumps({"cells": [code("def f():\n    return 1\n")] * 20, "metadata": {}, "nbformat": 4,
                        "nbformat_minor": 5}, indent=1).encode()
    path.write_bytes(whole[: len(whole) // 2])


UNLOADABLE = {  # name: (how to write it, words the one line must hold)
    "empty.py": (lambda p: p.write_bytes(b""), "is empty"),
    "blank.ipynb": (lambda p: p.write_bytes(b"\n\n  \n"), "is empty"),
    "picture.py": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256))), "not UTF-8"),
    "program.py": (lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00"), "binary file"),
    "latin1_without_coding_line.py": (lambda p: p.write_bytes("x = 'café'\n".encode("latin-1")), "line 1"),
    "unknown_coding.py": (lambda p: p.write_bytes(b"# -*- coding: klingon -*-\nx = 1\n"), "klingon"),
    "half_written.ipynb": (half_written_notebook, "was it saved completely"),
    "picture.ipynb": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"), "not UTF-8"),
    "list.ipynb": (lambda p: p.write_text("[1, 2, 3]"), "not a Jupyter notebook"),
    "future.ipynb": (lambda p: p.write_text('{"nbformat": 99, "cells": []}'), "version 99"),
    "huge.ipynb": (lambda p: _sparse(p, 200 * 2**20), "larger than"),
    "huge.py": (lambda p: _sparse(p, 200 * 2**20), "larger than"),
}


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        handle.truncate(size)  # takes no disk space


@pytest.mark.parametrize("name", UNLOADABLE)
def test_a_file_with_nothing_to_run_is_unloadable_in_one_line_without_a_memory_spike(tmp_path: Path,
                                                                                    name: str) -> None:
    path = tmp_path / name
    write, words = UNLOADABLE[name]
    write(path)
    tracemalloc.start()
    try:
        with pytest.raises(UnloadableSubmission) as raised:
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(raised.value)
    assert words in message and name in message and "\n" not in message, message
    assert peak < 2 * 2**20, peak  # a 200 MiB file is never read


@pytest.mark.parametrize("name", ["missing.py", "notes.txt", "a_directory.py"])
def test_what_is_not_a_submission_is_refused_not_graded(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "notes.txt":
        path.write_text("hi")
    if name == "a_directory.py":
        path.mkdir()
    with pytest.raises(SubmissionError) as raised:
        load(path)
    assert not isinstance(raised.value, UnloadableSubmission)


def grader_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600)


def test_grade_and_check_score_an_unloadable_file_0_in_one_line_and_exit_0(tmp_path: Path) -> None:
    total = sum(module.POINTS for module in exercises.load_all())
    cases = sum(len(module.cases(0)) for module in exercises.load_all())
    empty, half = tmp_path / "empty.py", tmp_path / "half_written.ipynb"
    empty.write_bytes(b"")
    half_written_notebook(half)
    out, page = tmp_path / "results.json", tmp_path / "feedback.html"
    graded = grader_cli("grade", str(empty), "--json", str(out), "--html", str(page))
    assert graded.returncode == 0, graded.stderr
    assert graded.stdout.splitlines() == [f"0/{total:g}: not graded: empty.py is empty: was it saved before "
                                          "submitting?"]
    results = json.loads(out.read_text())
    assert results["score"] == 0 and results["max_score"] == total and len(results["tests"]) == cases
    assert all(test["score"] == 0 and "empty.py is empty" in test["output"] for test in results["tests"])
    assert "empty.py is empty" in page.read_text()
    checked = grader_cli("check", str(half))
    assert checked.returncode == 0 and len(checked.stdout.splitlines()) == 1, checked
    assert "was it saved completely" in checked.stdout
    assert grader_cli("check", str(half), "--quiet").stdout.strip() == f"0/{total:g}"
    assert "Traceback" not in graded.stderr + checked.stderr


def test_grade_refuses_what_is_not_a_submission_in_one_line_and_exits_1(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    for path in (notes, tmp_path / "missing.py"):
        refused = grader_cli("grade", str(path))
        assert refused.returncode == 1 and refused.stdout == ""
        assert len(refused.stderr.splitlines()) == 1 and path.name in refused.stderr, refused.stderr


def test_batch_scores_each_unloadable_file_0_with_one_line(tmp_path: Path, cache_dir: Path) -> None:
    class_dir, out = tmp_path / "class", tmp_path / "out"
    class_dir.mkdir()
    (class_dir / "empty.py").write_bytes(b"")
    half_written_notebook(class_dir / "half_written.ipynb")
    _sparse(class_dir / "huge.py", 200 * 2**20)
    run = grader_cli("batch", str(class_dir), "--out", str(out), "--cache", str(cache_dir))
    assert run.returncode == 0, run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("FAILED")]
    assert sorted(line.split(":")[0] for line in failed) == [
        f"FAILED {class_dir / name}" for name in ("empty.py", "half_written.ipynb", "huge.py")]
    for name in ("empty.py", "half_written.ipynb", "huge.py"):
        assert json.loads((out / f"{name}.json").read_text())["score"] == 0
    assert "Traceback" not in run.stderr


def test_a_correct_module_saved_by_a_windows_editor_gets_full_marks(tmp_path: Path) -> None:
    right = ('import keras\n\n\ndef compile_with_sgd(model, learning_rate):  # « SGD », plain\n'
             '    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),\n'
             '                  loss="categorical_crossentropy")\n    return model\n')
    path = tmp_path / "windows.py"
    path.write_bytes(b"\xef\xbb\xbf" + right.replace("\n", "\r\n").encode())
    points = exercises.get("compile_with_sgd").POINTS
    run = grader_cli("check", str(path), "--exercise", "compile_with_sgd", "--quiet")
    assert run.stdout.strip() == f"{points:g}/{points:g}", run.stdout + run.stderr


def test_a_notebook_heavy_with_outputs_is_read_without_them_in_bounded_memory(tmp_path: Path) -> None:
    """Outputs are never graded: a correct notebook of 25 MiB (its plots left in) is read up to 100 MiB, its
    outputs dropped while it is parsed (never a copy of them all), its code as it is; full marks:
    tests/test_batch.py::test_a_correct_notebook_heavy_with_outputs_gets_full_marks."""
    source = (REPO / "solutions" / "optimization.py").read_text()
    blocks = source.split("\n\n\n")
    path = tmp_path / "heavy.ipynb"
    picture = "A" * (5 * 2**20)  # a base64 image output in each of five cells

    outputs = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": picture}},
               {"output_type": "stream", "name": "stdout", "text": ["epoch 1\n"] * 1000}]
    cells = [code(block) | {"outputs": outputs if index < 5 else []} for index, block in enumerate(blocks)]
    notebook(path, [*cells, {"cell_type": "markdown", "source": "![plot](attachment:p.png)", "metadata": {},
                             "attachments": {"p.png": {"image/png": picture}}}])
    del picture, outputs, cells
    size = path.stat().st_size
    assert size > 25 * 2**20
    tracemalloc.start()
    try:
        submission = load(path)
        _, loading = tracemalloc.get_traced_memory()
        text = path.read_text()
        tracemalloc.reset_peak()
        notebook_cells(text)
        _, parsing = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert submission.cells == [as_python(block) for block in blocks]
    assert loading < 2.1 * size, loading / size  # the file's bytes, then its text: once each
    assert parsing - len(text) < size / 4, parsing / size  # one output at a time beside the text, not all


def test_a_notebook_with_more_code_than_the_grader_reads_is_unloadable(tmp_path: Path) -> None:
    path = notebook(tmp_path / "generated.ipynb", [code("x = 1\n" * (4 * 2**20))] * 2)  # 2 x 24 MiB of code
    with pytest.raises(UnloadableSubmission, match="generated.ipynb holds more than 20 MiB of code"):
        load(path)
