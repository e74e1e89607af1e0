"""The grader's own stage of trainable_deep_model: it trains only what it can rebuild from names Keras
ships, and nothing the learner's process wrote stands in for its result."""

from __future__ import annotations

import pytest

from grader.case import TRUSTED, Case
from grader.exercises import trainable_deep_model as exercise
from grader.feedback import Failure
from grader.grading import with_trusted

ZEROS = {"class_name": "Zeros", "config": {}}


def dense(units: int = 32, activation: str = "selu", kernel: dict | None = None) -> dict:
    return {"type": "Dense", "units": units, "activation": activation, "shipped": True,
            "kernel_initializer": kernel or {"class_name": "LecunNormal", "config": {"seed": None}},
            "bias_initializer": ZEROS}


def answer(depth: int, classes: int, **hidden: object) -> dict:
    layers = [dense(**hidden) for _ in range(depth)] + [dense(classes, "softmax")]
    return {"model": {"type": "Sequential", "sequential": True, "layers": layers, "input_width": None,
                      "fitted": ""}}


@pytest.fixture(scope="module")
def public() -> Case:
    return exercise.cases(0)[0]


def test_a_sound_description_becomes_a_case_of_plain_layers(public) -> None:
    case = exercise.trusted_case(public, answer(public.spec["depth"], public.spec["n_classes"]))
    assert case.spec["layers"][0] == {"type": "Dense", "units": 32, "activation": "selu",
                                      "kernel_initializer": {"class_name": "LecunNormal", "config": {"seed": None}},
                                      "bias_initializer": ZEROS}
    assert len(case.spec["layers"]) == public.spec["depth"] + 1


@pytest.mark.parametrize("layer", [
    {**dense(), "activation": "os.system"},
    {**dense(), "activation": ["selu"]},
    {**dense(), "units": "32"},
    {**dense(), "units": True},
    {**dense(), "type": "Lambda"},
    {**dense(), "kernel_initializer": {"class_name": "HeNormal", "config": {"seed": {"class_name": "x"}}}},
    {**dense(), "kernel_initializer": {"class_name": "HeNormal", "config": {"scale": "x" * 1000}}},
    {**dense(), "bias_initializer": "zeros"},
])
def test_malformed_layers_are_refused_before_any_training(layer: dict) -> None:
    with pytest.raises(ValueError):
        exercise.plain_layer(layer)


@pytest.mark.parametrize("layer, what", [
    (dense(activation="__import__"), "'__import__' is not one of keras.activations"),
    (dense(activation="get"), "'get' is not one of keras.activations"),
    (dense(activation="deserialize"), "'deserialize' is not one of keras.activations"),
    (dense(kernel={"class_name": "eval", "config": {}}), "'eval' is not one of keras.initializers"),
    (dense(kernel={"class_name": "get", "config": {}}), "'get' is not one of keras.initializers"),
    (dense(kernel={"class_name": "HeNormal", "config": {"source": "1"}}), "takes no argument source"),
])
def test_rebuilding_refuses_what_keras_does_not_ship(layer: dict, what: str) -> None:
    with pytest.raises(ValueError, match=what.replace("(", r"\(")):
        exercise.rebuild([layer, dense(3, "softmax")], 13)


def test_rebuilding_gives_the_described_dense_layers() -> None:
    model = exercise.rebuild([dense(activation="elu", kernel={"class_name": "HeNormal", "config": {"seed": 4}}),
                              dense(3, "softmax")], 13)
    first, last = model.layers
    assert (first.units, first.activation.__name__, type(first.kernel_initializer).__name__) == (32, "elu", "HeNormal")
    assert (last.units, last.activation.__name__, model.input_shape) == (3, "softmax", (None, 13))


def test_a_result_forged_under_the_trusted_key_is_overwritten(public) -> None:
    forged = {**answer(public.spec["depth"], public.spec["n_classes"], activation="sigmoid"),
              TRUSTED: {"curves": [[0.01] * exercise.EPOCHS] * 3, "ratios": [1.0] * 3}}
    got = with_trusted(exercise, forged, 0, None)
    assert got[TRUSTED] is None
    with pytest.raises(Failure) as failure:
        exercise.check(public, got, {TRUSTED: {"curves": [[0.02]] * 3, "ratios": [1.0] * 3}})
    assert failure.value.mistake == "not-rebuilt"


def test_a_refused_rebuild_is_a_failed_check_that_says_why(public) -> None:
    got = {**answer(public.spec["depth"], public.spec["n_classes"]), TRUSTED: {"refused": "layer 1: nope"}}
    with pytest.raises(Failure, match="could not rebuild your model to train it: layer 1: nope"):
        exercise.check(public, got, {TRUSTED: {"curves": [[0.02]] * 3, "ratios": [1.0] * 3}})
