"""Patches the grader's own modules (checks, comparisons, encoding) at the top of the module, then answers wrongly everywhere."""
# expect: all=0
import keras
import numpy as np
import tensorflow as tf


import importlib

import grader.core.answers
import grader.core.compare
import grader.core.feedback
import grader.exercises

for module_name in grader.exercises.NAMES:
    module = importlib.import_module("grader.exercises." + module_name)
    module.check = lambda *args, **kwargs: None
grader.core.compare.close = lambda *args, **kwargs: True
grader.core.compare.relative_error = lambda actual, expected, floor=0.0: np.zeros(np.shape(expected))
grader.core.feedback.Failure = type("Failure", (Exception,), {})
try:
    import grader.grading.judging

    grader.grading.judging._verify = lambda *args, **kwargs: None
except Exception:
    pass


def _wrong(*args, **kwargs):
    return None


for _name in grader.exercises.NAMES:  # every exercise answers wrongly
    globals()[_name] = _wrong
