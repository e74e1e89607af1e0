"""Shared types and leaf utilities: cases, plain data, answers, comparisons, escaping, typed failures,
results, submissions, the course's files. They import nothing from the runner, grading or output."""
