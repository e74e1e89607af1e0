"""Answers NaN where numbers are expected."""
# expect: compare_learning_rates=0 gradient_ratio_by_depth=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    return {rate: [float("nan")] * epochs for rate in learning_rates}


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    return {a: {d: float("nan") for d in depths} for a in activations}
