"""Patches the grader's own modules (checks, comparisons, encoding) at the top of the module, then answers wrongly everywhere."""
# expect: all=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE: compile_with_sgd, compare_learning_rates, dead_neuron_mask, layer_gradient_norms, gradient_ratio_by_depth}}


import importlib

import grader.answers
import grader.compare
import grader.feedback

for module_name in ("compile_with_sgd", "compare_learning_rates", "dead_neuron_mask", "layer_gradient_norms",
                    "gradient_ratio_by_depth"):
    module = importlib.import_module("grader.exercises." + module_name)
    module.check = lambda *args, **kwargs: None
grader.compare.close = lambda *args, **kwargs: True
grader.compare.relative_error = lambda actual, expected, floor=0.0: np.zeros(np.shape(expected))
grader.feedback.Failure = type("Failure", (Exception,), {})
try:
    import grader.grading

    grader.grading._verify = lambda *args, **kwargs: None
except Exception:
    pass


def compile_with_sgd(model, learning_rate):
    return None


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    return {}


def dead_neuron_mask(model, x):
    return {}


def layer_gradient_norms(model, x, y):
    return []


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    return {}
