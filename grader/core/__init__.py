"""Shared types and leaf utilities: cases, plain data, answers, comparisons, escaping, typed failures,
results, submissions, the pictures' style and axes, the course's files. They import nothing from the
other layers (tests/test_layout.py)."""
