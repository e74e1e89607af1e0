"""How long `nbgrader autograde` takes per notebook for this assignment, grading outside the kernel.

Builds a temporary course from this repository (source/ and nbgrader_config.py, the reference cache
set in its config), releases the assignment with `nbgrader generate_assignment`, and submits N copies of
the reference solutions written into the released notebook. It then:

1. autogrades one extra copy first, untimed, so that the reference cache is warm (as for every learner
   after the first in a class);
2. times `nbgrader autograde optimization --student S` on a single notebook, once per copy, and reports
   the median (N = 3 runs by default): the whole command, so nbgrader's own start-up and gradebook
   writes count;
3. for comparison, times `grader grade` on the same submitted notebook (median of the same number of
   runs), which is the grading alone.

Run: `.venv/bin/python benchmarks/nbgrader_autograde.py [--runs 3] [--cache DIR]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grader import exercises
from grader.authoring import generate
from grader.grading.cache import default_cache_dir

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ASSIGNMENT = NOTEBOOK = "optimization"


def environment(course: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "GRADER_SEED"}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader shells out to `alembic`
    env["JUPYTER_CONFIG_DIR"] = str(course / ".jupyter")  # only the course's config counts
    return env


def run(course: Path, *command: str) -> float:
    """Runs a command of the venv in the course directory; its wall-clock seconds."""
    started = time.perf_counter()
    done = subprocess.run([str(VENV_BIN / command[0]), *command[1:]], cwd=course, env=environment(course),
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def correct_submission(course: Path) -> nbformat.NotebookNode:
    """The released notebook with every solution cell holding the reference function."""
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    functions = {name: "\n".join(line for line in text.splitlines() if "### " not in line)
                 for name, text in generate.function_sources().items() if name in exercises.NAMES}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in functions:
            cell.source = functions[grade_id]
    return nb


def build_course(root: Path, cache: Path, copies: int) -> list[str]:
    """The course under `root`, released, with `copies` submitted notebooks; the students' ids."""
    shutil.copytree(REPO / "source", root / "source")
    config = (REPO / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + f"\nc.GradeOutsideKernel.cache_dir = {str(cache)!r}\n")
    (root / ".jupyter").mkdir()
    run(root, "nbgrader", "generate_assignment", ASSIGNMENT)
    nb = correct_submission(root)
    students = [f"learner{index}" for index in range(copies)]
    for student in students:
        path = root / "submitted" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    return students


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed single-notebook autograde runs (default 3)")
    parser.add_argument("--cache", type=Path, default=default_cache_dir(),
                        help=f"reference-result cache (default: {default_cache_dir()})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbgrader-bench-") as tmp:
        course = Path(tmp)
        warmup, *students = build_course(course, args.cache, args.runs + 1)
        first = run(course, "nbgrader", "autograde", ASSIGNMENT, "--student", warmup)
        autograde = [run(course, "nbgrader", "autograde", ASSIGNMENT, "--student", s) for s in students]
        notebook = str(course / "submitted" / warmup / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
        grader = [run(course, "grader", "grade", notebook, "--cache", str(args.cache)) for _ in students]
    print(f"nbgrader autograde, one notebook, warm cache: median {statistics.median(autograde):.2f} s per notebook "
          f"(runs: {', '.join(f'{t:.2f}' for t in autograde)}; untimed warm-up run: {first:.2f} s)")
    print(f"grader grade, same notebook, warm cache:      median {statistics.median(grader):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in grader)})")


if __name__ == "__main__":
    main()
