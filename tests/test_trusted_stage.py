"""The grader's own stage of trainable_deep_model: it trains only what it can rebuild from names Keras
ships, and nothing the learner's process wrote stands in for its result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.core.case import TRUSTED, Case
from grader.core.feedback import Failure
from grader.exercises import model_description as description
from grader.exercises import trainable_deep_model as exercise
from grader.grading.trusted import with_trusted

REPO = Path(__file__).resolve().parent.parent
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


NOT_DENSE = "a layer is not described as a Dense layer with units and an activation's name"
NOT_PLAIN = "an initialiser is not described by a name and plain values"


@pytest.mark.parametrize("layer, why", [
    ({**dense(), "activation": "os.system"}, NOT_DENSE),
    ({**dense(), "activation": ["selu"]}, NOT_DENSE),
    ({**dense(), "units": "32"}, NOT_DENSE),
    ({**dense(), "units": True}, NOT_DENSE),
    ({**dense(), "units": 10**6}, NOT_DENSE),
    ({**dense(), "type": "Lambda"}, NOT_DENSE),
    ("Dense", NOT_DENSE),
    ({**dense(), "kernel_initializer": {"class_name": "HeNormal", "config": {"seed": {"class_name": "x"}}}}, NOT_PLAIN),
    ({**dense(), "kernel_initializer": {"class_name": "HeNormal", "config": {"scale": "x" * 1000}}}, NOT_PLAIN),
    ({**dense(), "kernel_initializer": {"class_name": "He.Normal", "config": {}}}, NOT_PLAIN),
    ({**dense(), "kernel_initializer": {"class_name": "HeNormal", "config": {f"k{i}": 1 for i in range(9)}}},
     NOT_PLAIN),
    ({**dense(), "bias_initializer": "zeros"}, NOT_PLAIN),
])
def test_malformed_layers_are_refused_before_any_training(layer: object, why: str) -> None:
    with pytest.raises(ValueError) as refused:
        description.plain_layer(layer)
    assert str(refused.value) == why


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
        description.rebuild([layer, dense(3, "softmax")], 13)


def test_rebuilding_gives_the_described_dense_layers() -> None:
    model = description.rebuild([dense(activation="elu", kernel={"class_name": "HeNormal", "config": {"seed": 4}}),
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


# ----------------------------------------------------------- its results, kept in the reference cache

SIGMOID = '''
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="sigmoid") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
'''
# The same stalled model, from a process that claims a low loss under the trusted key and patches the
# grader's module there (as tests/hostile/patches_grader_training.py does).
SIGMOID_FORGING = SIGMOID + '''
import sys

import grader.exercises.trainable_deep_model  # noqa: F401

_exercise = sys.modules["grader.exercises.trainable_deep_model"]
_real_run = _exercise.run


def _forged_run(function, case):
    forged = {"curves": [[0.01] * _exercise.EPOCHS for _ in case.spec["seeds"]],
              "ratios": [1.0 for _ in case.spec["seeds"]]}
    return {**_real_run(function, case), "trusted": forged}


_exercise.run = _forged_run
'''


@pytest.fixture(scope="module")
def grading(tmp_path_factory: pytest.TempPathFactory):
    """This exercise alone, public and hidden cases, a new cache (the reference's results in it); one job
    at a time."""
    from grader.grading.references import references
    from grader.grading.settings import Settings
    from grader.runner.sandbox import Worker

    settings = Settings(cache_dir=tmp_path_factory.mktemp("cache"), only=(exercise.NAME,))
    with Worker(1, settings.limits, hide=(settings.cache_dir, settings.reference_path)) as worker:
        references([exercise], settings, worker)
        yield settings, worker


def graded(codes: list[str], settings, worker) -> tuple[list[Any], int]:
    """The reports on submissions of `codes`, graded together, and how many trusted jobs (trainings) they took."""
    from grader.core.submission import Submission
    from grader.grading.grade import grade_all

    count = []
    real_run = worker.run

    def counting(jobs, on_done=None):
        def done(job):
            count.extend([1] if job.kind == "trusted" else [])
            return on_done(job) if on_done else None
        real_run(jobs, done)

    worker.run = counting
    try:
        reports = grade_all([Submission(Path(f"learner_{i}.py"), [code], tolerant=False)
                             for i, code in enumerate(codes)], settings, worker)
    finally:
        worker.run = real_run
    return reports, len(count)


def corpus(variant: str) -> str:
    return (REPO / "grader" / "corpus" / exercise.NAME / f"{variant}.py").read_text()


def test_a_model_is_trained_once_per_case_then_read_from_the_cache(grading) -> None:
    settings, worker = grading
    elu = corpus("elu_he_normal")
    [first], trained = graded([elu], settings, worker)
    assert first.score == first.max_score and trained == 1  # one trusted job: both cases
    [second], trained_again = graded([elu.replace("model.add(", "model.add( ")], settings, worker)
    assert second.score == second.max_score and trained_again == 0
    curves = [[case.got[TRUSTED] for case in report.exercises[0].cases] for report in (first, second)]
    assert curves[0] == curves[1]


def test_a_batch_trains_each_distinct_model_once(grading) -> None:
    settings, worker = grading
    # the second learner's answer comes while the first one's model is still being trained
    reports, trained = graded([corpus("relu_he_normal"), corpus("relu_he_normal"), corpus("relu_default_initializer")],
                              settings, worker)
    assert [report.score for report in reports] == [2, 2, 0]
    assert trained == 2


def test_a_learner_cannot_poison_the_cache(grading) -> None:
    settings, worker = grading
    [forging], trained = graded([SIGMOID_FORGING], settings, worker)
    assert forging.score == 0 and trained == 1
    [honest], trained_again = graded([SIGMOID], settings, worker)  # the same model: its training is cached
    assert honest.score == 0 and trained_again == 0
    for case in honest.exercises[0].cases:
        assert min(exercise.lowest_loss(curve) for curve in case.got[TRUSTED]["curves"]) > case.case.spec["threshold"]
        assert "must fall below" in case.message
