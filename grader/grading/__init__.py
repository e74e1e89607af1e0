"""Grading: cases, reference results and their cache, verdicts (grade.py), batches, regrades, a cluster."""
