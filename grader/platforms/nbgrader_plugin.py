"""nbgrader integration: grade cells get their points from the grader, never from the learner's kernel.

nbgrader runs a submission's cells in a kernel and gives a test cell full points when it shows no error,
so a learner cell can make every later cell "pass" (input transformers, `sys.settrace`, a patched
grader module). This preprocessor takes the place of nbgrader's `Execute` in `autograde`: it grades the
submitted notebook with the grader (learner code runs only in the grader's sandboxed children) and
writes each autograder cell's output as the grader's feedback followed by the points earned, which
nbgrader's `SaveAutoGrades` reads as partial credit. The course's `nbgrader_config.py` installs it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Enum, Float, Integer, TraitType, Unicode

from grader import exercises
from grader.core.limits import LIMITS, Limit, Limits
from grader.core.results import ExerciseResult
from grader.core.submission import load
from grader.grading.grade import grade
from grader.grading.settings import Settings, chosen_seed
from grader.output import report, visibility


def limit_trait(limit: Limit) -> TraitType:
    """The preprocessor's option for `limit`: its default and help as the command line's (`--memory` 4,
    in GiB, is `c.GradeOutsideKernel.memory = 4`)."""
    if limit.choices:
        return Enum(limit.choices, default_value=limit.default, help=limit.full_help()).tag(config=True)
    trait = Integer if limit.kind is int else Float
    return trait(limit.given_default, help=limit.full_help()).tag(config=True)


class GradeOutsideKernel(Preprocessor):
    """Scores a notebook's autograder cells by grading its code with the grader."""

    # nbconvert's preprocessors are off unless enabled, and switched off this one would leave the test
    # cells without output, which nbgrader scores as full marks: always on, and not configurable.
    enabled = Bool(True)
    seed = Integer(None, allow_none=True, help="seed of the hidden cases (default: $GRADER_SEED, else 0, with a "
                   "warning: anyone can draw that seed's cases)").tag(config=True)
    cache_dir = Unicode("", help="reference-result cache (default: the user's cache)").tag(config=True)
    # Every limit, declared once with the command line's options (grader/core/limits.py).
    locals().update({limit.trait: limit_trait(limit) for limit in LIMITS})
    show_hidden = Enum(visibility.CHOICES, default_value=visibility.default(), help=visibility.HELP).tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        limits = Limits.given({limit.name: getattr(self, limit.trait) for limit in LIMITS})
        settings = Settings(seed=chosen_seed(self.seed, self.log.warning), limits=limits)
        if self.cache_dir:
            settings.cache_dir = Path(self.cache_dir)
        with tempfile.TemporaryDirectory(prefix="grader-nbgrader-") as scratch:
            path = Path(scratch) / "submission.ipynb"
            nbformat.write(nb, path)
            graded = visibility.learner_view(grade(load(path), settings), self.show_hidden)
        by_name = {result.name: result for result in graded.exercises}
        for cell in nb.cells:
            if not is_autograder_cell(cell):
                continue
            name = graded_exercise(cell)
            if name in by_name:
                cell.outputs = cell_outputs(by_name[name], float(cell.metadata.nbgrader["points"]))
            else:
                # nbgrader gives a test cell without output full marks: one the grader does not score
                # must fail instead.
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NotGraded", traceback=[],
                    evalue=f"grade_id {cell.metadata.nbgrader.get('grade_id')!r} names no exercise of the grader")]
        return nb, resources


def is_autograder_cell(cell: nbformat.NotebookNode) -> bool:
    """An nbgrader test cell: code, graded, not a solution."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def graded_exercise(cell: nbformat.NotebookNode) -> str | None:
    """The exercise an autograder cell grades (its grade_id is `test_<exercise>`), or None."""
    if not is_autograder_cell(cell):
        return None
    name = str(cell.metadata.nbgrader.get("grade_id", "")).removeprefix("test_")
    return name if name in exercises.NAMES else None


def cell_outputs(result: ExerciseResult, points: float) -> list[nbformat.NotebookNode]:
    """The grader's feedback for one exercise, then its score scaled to the cell's points."""
    earned = min(points, points * result.score / result.max_score) if result.max_score else 0.0
    feedback = report.exercise_text(result)
    return [nbformat.v4.new_output("stream", name="stdout", text=feedback + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(round(earned, 6))},
                                   execution_count=None)]
