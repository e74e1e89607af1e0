"""Grading: a batch of submissions (grade.py) in its steps (settings, references, the trusted stage,
reading back what children wrote, judging, crash messages), the reference cache, batches, regrades, a cluster."""
