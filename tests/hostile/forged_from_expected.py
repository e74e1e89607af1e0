"""Leaves trainable_deep_model unwritten and forges its answer from what ships with the package: the public expected result's model description (the reference's), resized to each case."""
# expect: trainable_deep_model=0
# say: trainable_deep_model: not attempted|could not|KeyError|NotImplementedError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}

import glob
import json
import os
import sys

import grader
import grader.exercises.trainable_deep_model  # noqa: F401 - the module the grader's child calls

_exercise = sys.modules["grader.exercises.trainable_deep_model"]
_shipped = glob.glob(os.path.join(os.path.dirname(grader.__file__), "expected", "trainable_deep_model-*.json"))
with open(_shipped[0]) as _handle:
    _reference = json.load(_handle)


def _forged_run(function, case):
    layers = _reference["model"]["layers"]  # the reference's own description, when it ships
    hidden, output = layers[0], dict(layers[-1], units=case.spec["n_classes"])
    return {"model": dict(_reference["model"], layers=[hidden] * case.spec["depth"] + [output],
                          input_width=case.spec["n_features"])}


_exercise.run = _forged_run


def trainable_deep_model(depth, n_features, n_classes):
    raise NotImplementedError
