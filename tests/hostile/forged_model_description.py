"""Patches the grader's trainable_deep_model module so that its answer describes layers the grader would rebuild from hostile names (an activation `__import__`, an initialiser `eval` whose config holds code), each marked as shipped."""
# expect: trainable_deep_model=0
# say: trainable_deep_model: could not rebuild your model|is not one of keras
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}

import sys

import grader.exercises.trainable_deep_model  # noqa: F401 - the module the grader's child calls

_exercise = sys.modules["grader.exercises.trainable_deep_model"]
_real_run = _exercise.run


def _forged_run(function, case):
    answer = _real_run(function, case)
    for index, layer in enumerate(answer["model"]["layers"][:-1]):  # the output layer stays softmax
        layer["shipped"] = True
        if index % 2:
            layer["kernel_initializer"] = {"class_name": "eval", "config": {"source": "__import__('os')"}}
        else:
            layer["activation"] = "__import__"
    return answer


_exercise.run = _forged_run


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="selu", kernel_initializer="lecun_normal") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
