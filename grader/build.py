"""Generates the learner-facing files from their sources of truth.

- `exercises/optimization.py`: `solutions/optimization.py` with every `### BEGIN SOLUTION` ... `### END
  SOLUTION` region replaced by `raise NotImplementedError()`, as nbgrader does for notebooks.
- `source/optimization/optimization.ipynb`: the nbgrader source notebook, from the chapter's prose
  (`grader/chapter/optimization.md`) with each `<!-- exercise: NAME -->` expanded into a solution cell
  (the function from `solutions/optimization.py`) and an autograder test cell worth the exercise's points.

Run `python -m grader.build` after editing either source; a test fails while a committed copy is stale.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

from grader import exercises
from grader.submission import SKIP_TAG

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
STUBS = REPO / "exercises" / "optimization.py"
CHAPTER = Path(__file__).resolve().parent / "chapter" / "optimization.md"
NOTEBOOK = REPO / "source" / "optimization" / "optimization.ipynb"
MARKER = re.compile(r"^<!-- (markdown|code|plot|exercise: (\w+)) -->$", re.MULTILINE)
GENERATED_NOTE = "# Generated from solutions/optimization.py by `python -m grader.build`: edit that file instead.\n"
SOLUTION_REGION = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION\n",
                             re.MULTILINE | re.DOTALL)


def strip_solutions(source: str) -> str:
    """`source` with each solution region replaced by a stub that raises NotImplementedError."""
    def stub(match: re.Match) -> str:
        indent = match.group("indent")
        return f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"

    return SOLUTION_REGION.sub(stub, source)


def stub_module() -> str:
    """The text of `exercises/optimization.py`."""
    return GENERATED_NOTE + strip_solutions(SOLUTIONS.read_text())


def function_sources() -> dict[str, str]:
    """Each top-level function of the solutions module, as written (docstring and solution markers)."""
    source = SOLUTIONS.read_text()
    lines = source.splitlines()
    body = ast.parse(source).body
    # A function's text runs up to the next top-level statement: its trailing `### END SOLUTION` comment
    # is not part of its syntax tree but must stay with it.
    ends = [node.lineno - 1 for node in body[1:]] + [len(lines)]
    return {node.name: "\n".join(lines[node.lineno - 1:end]).rstrip() + "\n"
            for node, end in zip(body, ends) if isinstance(node, ast.FunctionDef)}


def test_cell_source(name: str) -> str:
    """An autograder cell: public checks in the open, hidden ones for nbgrader to strip from the release."""
    return (f'check("{name}")\n'
            "### BEGIN HIDDEN TESTS\n"
            f'check("{name}", hidden=True)\n'
            "### END HIDDEN TESTS\n")


def _cell(kind: str, source: str, cell_id: str, **nbgrader: object) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source.strip("\n")}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    if nbgrader:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def notebook_cells() -> list[dict]:
    """The source notebook's cells, from the chapter template and the solutions."""
    functions = function_sources()
    parts = MARKER.split(CHAPTER.read_text())
    cells = []
    # re.split with two groups yields: text, kind, exercise name, text, kind, exercise name, text, ...
    for index in range(1, len(parts), 3):
        kind, name, body = parts[index], parts[index + 1], parts[index + 2]
        number = len(cells) + 1
        if name:
            points = exercises.get(name).POINTS
            cells.append(_cell("code", functions[name], name, grade=False, solution=True, locked=False,
                               grade_id=name))
            cells.append(_cell("code", test_cell_source(name), f"test_{name}", grade=True, solution=False,
                               locked=True, points=points, grade_id=f"test_{name}"))
        elif kind == "plot":
            cell = _cell("code", body, f"plot-{number}")
            cell["metadata"]["tags"] = [SKIP_TAG]
            cells.append(cell)
        else:
            cells.append(_cell(kind, body, f"{kind}-{number}"))
    return cells


def notebook() -> str:
    """The text of the source notebook, stable from run to run."""
    document = {"cells": notebook_cells(),
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def outputs() -> dict[Path, str]:
    """Every generated file and the text it should have."""
    return {STUBS: stub_module(), NOTEBOOK: notebook()}


def main() -> int:
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
