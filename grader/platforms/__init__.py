"""Where grading happens: in a learner's notebook, under nbgrader, on Gradescope, and the packages that
carry the grader there (the learner bundle, the instructor's wheel)."""
