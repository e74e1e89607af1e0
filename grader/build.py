"""Generates the learner-facing files from their one source of truth, `solutions/optimization.py`.

`exercises/optimization.py` is the solutions module with every `### BEGIN SOLUTION` ... `### END
SOLUTION` region replaced by a `raise NotImplementedError`, as nbgrader does for notebooks. Run
`python -m grader.build` after editing the solutions; a test fails while a committed copy is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
STUBS = REPO / "exercises" / "optimization.py"
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


def outputs() -> dict[Path, str]:
    """Every generated file and the text it should have."""
    return {STUBS: stub_module()}


def main() -> int:
    for path, text in outputs().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
