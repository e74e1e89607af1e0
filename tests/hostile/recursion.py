"""Recursion without a base case."""
# expect: gradient_ratio_by_depth=0
# say: gradient_ratio_by_depth: RecursionError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    return gradient_ratio_by_depth(build_model, x, y, depths, activations)
