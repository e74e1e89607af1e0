"""`make nbgrader-demo`: the nbgrader course end to end on three sample learners, as an instructor runs it.

In a fresh course directory DIR (written by `grader course DIR`): `nbgrader generate_assignment`, then a
submitted notebook for each learner (the release with its solution cells filled in), `nbgrader
autograde`, `nbgrader generate_feedback`. Prints each learner's gradebook total beside `grader grade`'s
on the same notebook, and exits 1 if they differ.

- `complete`: the reference solutions;
- `sample`: grader/examples/sample_attempt.py, one typical mistake per exercise;
- `blank`: the release as handed out.

    python grader/examples/nbgrader_course.py DIR      (nbgrader and alembic must be on PATH: the venv's bin/)
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from grader import exercises
from grader.authoring import generate
from grader.core.submission import load
from grader.grading.grade import grade_all
from grader.grading.settings import Settings, chosen_seed

ASSIGNMENT = NOTEBOOK = "optimization"
SAMPLE = Path(__file__).resolve().parent / "sample_attempt.py"


def functions(source: str) -> dict[str, str]:
    """Each exercise function defined in `source`, as text."""
    lines = source.splitlines()
    return {node.name: "\n".join(lines[node.lineno - 1:node.end_lineno]) + "\n"
            for node in ast.parse(source).body if isinstance(node, ast.FunctionDef) and node.name in exercises.NAMES}


def learners() -> dict[str, dict[str, str]]:
    """Each sample learner's answer to each exercise (none: the release's stub stays)."""
    reference = {name: "\n".join(line for line in text.splitlines() if "### " not in line) + "\n"
                 for name, text in generate.function_sources().items() if name in exercises.NAMES}
    return {"complete": reference, "sample": functions(SAMPLE.read_text()), "blank": {}}


def nbgrader(course: Path, *args: str) -> None:
    print(f"$ nbgrader {' '.join(args)}", flush=True)
    # Only the course's own configuration: no user or system nbgrader_config.py changes the run.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(course / ".jupyter"))
    subprocess.run(["nbgrader", *args], cwd=course, env=env, check=True)


def submit(course: Path, learner: str, answers: dict[str, str]) -> Path:
    """Writes the learner's notebook where nbgrader collects submissions."""
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
    path = course / "submitted" / learner / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def main(course: Path) -> int:
    subprocess.run(["grader", "course", str(course)], check=True)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    submitted = {learner: submit(course, learner, answers) for learner, answers in learners().items()}
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    from nbgrader.api import Gradebook

    seed = chosen_seed(None, lambda warning: None)  # the seed autograde used (it warned if it was the default)
    reports = dict(zip(submitted, grade_all([load(path) for path in submitted.values()], Settings(seed=seed))))
    agree = True
    print(f"\n{'learner':<10} {'gradebook':>9} {'grader':>7}  feedback")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for learner, report in reports.items():
            total = gradebook.find_submission(ASSIGNMENT, learner).score
            agree &= abs(total - report.score) < 1e-6
            feedback = course / "feedback" / learner / ASSIGNMENT / f"{NOTEBOOK}.html"
            print(f"{learner:<10} {total:>9.2f} {report.score:>7.2f}  {feedback}")
    print("the gradebook agrees with grader grade" if agree else "the gradebook DISAGREES with grader grade")
    return 0 if agree else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]).resolve()))
