"""nbgrader configuration of this course: the repository root is the course directory.

Autograding does not execute submissions in a Jupyter kernel: `GradeOutsideKernel` grades each
submitted notebook with the grader (learner code runs in its sandboxed children, with per-exercise
limits) and writes every autograder cell's points. A learner cell therefore cannot change how the tests
run, and a hang or a crash costs only that exercise's points. Set the hidden-case seed with the
GRADER_SEED environment variable (or c.GradeOutsideKernel.seed below; without either, autograde warns and
uses seed 0, whose cases anyone can draw); keep it secret.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades

from grader.platforms.nbgrader_plugin import GradeOutsideKernel

c = get_config()  # noqa: F821 - defined by nbgrader when it loads this file

c.CourseDirectory.course_id = "understanding-model-optimization"
c.GenerateAssignment.create_assignment = True
c.Autograde.create_student = True

# nbgrader's per-cell timeout; a notebook cell of a submission gets the same while the grader loads it.
CELL_TIMEOUT = 30
c.Execute.timeout = CELL_TIMEOUT
c.GradeOutsideKernel.cell_timeout = CELL_TIMEOUT

# What learners see of hidden cases in their feedback: "full", "verdict" (no drawn parameters or expected
# values) or "score" (only the points); default $GRADER_SHOW_HIDDEN or "full" (grader/output/visibility.py).
# c.GradeOutsideKernel.show_hidden = "verdict"

c.Autograde.autograde_preprocessors = [
    GradeOutsideKernel,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
