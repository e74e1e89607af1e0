"""Patches the grader's trainable_deep_model module in sys.modules: its training swaps plain SGD for Adam, its answer claims a low loss (also under the key the grader's own stage writes), for a stalled sigmoid network."""
# expect: trainable_deep_model=0
# say: trainable_deep_model: must fall below|sigmoid
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}

import sys

import grader.exercises.trainable_deep_model  # noqa: F401 - the module the grader's child calls

_exercise = sys.modules["grader.exercises.trainable_deep_model"]
_real_run = _exercise.run


def _forged_run(function, case):
    real_sgd = keras.optimizers.SGD
    keras.optimizers.SGD = lambda learning_rate=0.01, **kwargs: keras.optimizers.Adam(learning_rate=0.01)
    try:
        answer = _real_run(function, case)  # the grader's training, with Adam in place of SGD
    finally:
        keras.optimizers.SGD = real_sgd  # the other exercises keep plain SGD
    forged = {"curves": [[0.01] * _exercise.EPOCHS for _ in case.spec["seeds"]],
              "ratios": [1.0 for _ in case.spec["seeds"]]}
    return {**answer, **forged, "trusted": forged}


_exercise.run = _forged_run
_exercise.THRESHOLD_SHARE = 10.0


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="sigmoid") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
