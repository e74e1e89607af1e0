"""The numbers the exercise text states are measurements the benchmarks wrote (benchmarks/measured.json),
and a fast subset of them, measured again at one of the benchmarks' seeds, still falls in each stated range.

The text is generated from the data file (`python -m grader.build`; tests/test_generated.py fails while a
generated file is stale), so a number edited in the text, or in the data file, is caught: the first by
test_generated, the second here.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from grader.authoring import generate, measured

REPO = Path(__file__).resolve().parent.parent
SEED = 0  # one of the seeds every quoted benchmark measured


def benchmark(name: str) -> ModuleType:
    """A benchmark script as a module (they are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured_again() -> dict[str, float]:
    return measure_again()


def measure_again() -> dict[str, float]:
    """The subset measured again at SEED, by the benchmarks' own code."""
    import keras
    import numpy as np

    bench = benchmark("measurements")
    again = {}
    x, y = bench.random_data(SEED)
    for depth in (1, 5, 10):
        model = bench.make_depth_builder(8, 3, bench.UNITS, SEED)(depth, "sigmoid")
        again[f"ratio_sigmoid_depth_{depth}"] = bench.gradient_norms(model, x, y)[2]
    model = bench.custom_stack(10, "tanh", bench.glorot, SEED, bench.normal(0.5))
    again["ratio_tanh_bias_0_5_depth_10"] = bench.gradient_norms(model, x, y)[2]

    wine_x, wine_y = bench.load_wine()
    for rate in (1e-4, 0.1):
        keras.utils.set_random_seed(SEED)
        builder = bench.make_builder(13, 3, (16,), "relu", SEED)
        curve = bench.REF.compare_learning_rates(builder, wine_x, wine_y, [rate], bench.EPOCHS)[rate]
        again[f"loss_rate_{bench.name_of(rate)}_epoch_1"] = curve[0]
        again[f"loss_rate_{bench.name_of(rate)}_epoch_{bench.EPOCHS}"] = curve[-1]
    model = bench.REF.compile_with_sgd(bench.wine_relu_model(SEED, -1.0), 0.1)
    keras.utils.set_random_seed(SEED)
    again["loss_bias_-1_rate_0_1"] = model.fit(wine_x, wine_y, epochs=bench.EPOCHS, verbose=0).history["loss"][-1]
    again["dead_hidden_2_bias_-1_rate_0_1"] = bench.dead_counts(model, wine_x)[1]

    sixth = benchmark("trainable_deep_model")
    exercise = sixth.exercise
    public = sixth.measured_cases([SEED], (), 0)[0]
    for activation, initializer in (("sigmoid", "glorot_uniform"), ("relu", "he_normal"), ("selu", "lecun_normal")):
        keras.backend.clear_session()
        result = exercise.run_trusted(exercise.trusted_case(public, exercise.run(sixth.builder(activation, initializer),
                                                                                 public)))
        again[f"lowest_loss_{activation}_{initializer}_wine"] = exercise.lowest_loss(result["curves"][0])
        if activation == "sigmoid":
            again[f"first_layer_share_{activation}_{initializer}_wine"] = float(np.median(result["ratios"]))
    return again


def test_every_number_the_text_quotes_is_measured_and_stated() -> None:
    data = measured.load()
    sources = generate.SOLUTIONS.read_text() + generate.CHAPTER.read_text()
    quoted = measured.quoted(sources)
    assert len(quoted) >= 20 and not quoted - set(data), sorted(quoted - set(data))
    assert not measured.disagreements(data, {})  # every stated median lies in its range
    for path, text in generate.outputs().items():
        assert not measured.QUOTE.search(text), f"{path.name} has a quote left unrendered"
    stubs = generate.stub_module()
    for match in measured.QUOTE.finditer(generate.SOLUTIONS.read_text()):
        name, stat, digits = match.groups()
        assert measured.number(data[name][stat], int(digits)) in stubs


def test_a_fast_subset_measured_again_falls_in_each_stated_range(measured_again: dict[str, float]) -> None:
    assert not measured.disagreements(measured.load(), measured_again)


def test_an_edited_number_is_caught(measured_again: dict[str, float]) -> None:
    data = measured.load()
    # A median edited in the data file, as if the text said 3.5e-3 for 3.5e-4: outside its own range.
    edited = copy.deepcopy(data)
    edited["ratio_sigmoid_depth_5"]["median"] *= 10
    assert [m.split(":")[0] for m in measured.disagreements(edited, {})] == ["ratio_sigmoid_depth_5"]
    # A range edited so that it no longer holds what the benchmark's code measures at one of its seeds.
    edited = copy.deepcopy(data)
    edited["loss_rate_0_1_epoch_20"]["min"] = measured_again["loss_rate_0_1_epoch_20"] * 1.5
    edited["loss_rate_0_1_epoch_20"]["median"] = measured_again["loss_rate_0_1_epoch_20"] * 2
    edited["loss_rate_0_1_epoch_20"]["max"] = max(edited["loss_rate_0_1_epoch_20"]["max"],
                                                  measured_again["loss_rate_0_1_epoch_20"] * 3)
    assert [m.split(":")[0] for m in measured.disagreements(edited, measured_again)] == ["loss_rate_0_1_epoch_20"]
    # The same edit changes the text learners read: the committed stubs are then stale (test_generated).
    assert generate.STUBS.read_text() == generate.stub_module()
    stubs = generate.GENERATED_NOTE + measured.render(generate.strip_solutions(generate.SOLUTIONS.read_text()), edited)
    assert stubs != generate.STUBS.read_text()
    stated = re.escape(measured.number(data["loss_rate_0_1_epoch_20"]["median"], 1))
    assert re.search(rf"learn well \({stated} and", generate.STUBS.read_text())
