"""Exercise 2: train a fresh model per learning rate and return each loss curve."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader import answers
from grader.case import Case, random_classification
from grader.compare import close, fmt, relative_error
from grader.data import standardized_wine
from grader.feedback import Failure, Mismatch

NAME = "compare_learning_rates"
POINTS = 2.0
SECONDS = 120

# Every case has at most 32 rows: one batch at Keras' default batch_size, so shuffling only reorders
# the rows inside the batch and the curves are deterministic up to float32 summation order. Measured
# (benchmarks/tolerances.py: 4 seeds x 6 rates up to 10, 12 epochs, shuffle on vs off) the worst
# relative difference was 4e-6 for rates up to 3 (1.3e-5 once diverging at rate 10). 1e-3 is 250x
# that; a wrong rate, optimizer, momentum or a reused model moves the curves by far more.
LOSS_RTOL = 1e-3
KEY_RTOL = 1e-9
# An optimizer stores its learning rate as a float32 variable: 2**-24 relative rounding.
LEARNING_RATE_RTOL = 1e-6
RATE_MENU = (0.003, 0.02, 0.05, 0.2, 0.5, 2.0)  # none of them public; all converge or stall, none is NaN


def cases(seed: int) -> list[Case]:
    """Public: wine, rates 0.01, 0.1, 1.0. Hidden: other rates, in another order, on another model; 1 epoch."""
    # Every fit costs about 0.16 s, most of a submission's grading time, so the hidden cases spend six
    # fits in all, each catching its own mistakes: `other` changes the rates, their order, the epochs, the
    # data's shape and the model at once (a rate, a count or a shape written into the code); `single`
    # is the one-rate, one-epoch edge (a last loss returned alone, a fixed epoch count).
    rng = np.random.default_rng([seed, 2])
    public = _wine_case("wine data, learning rates 0.01, 0.1 and 1.0", True, [0.01, 0.1, 1.0], 5, 0, 0)
    rates = sorted((float(r) for r in rng.choice(RATE_MENU, size=2, replace=False)), reverse=True)
    epochs = int(rng.integers(2, 5))  # every epoch costs ~25 ms; the single case checks 1 epoch
    data = random_classification(rng, 24, 6, 4)
    other = Case(NAME, f"learning rates {rates} in this order on a two-layer tanh model, other data", False,
                 {"learning_rates": rates, "epochs": epochs, "n_features": 6, "n_classes": 4,
                  "hidden": [8, 8], "activation": "tanh", "model_seed": 7 + seed % 31}, data)
    one = float(rng.choice(RATE_MENU))
    single = _wine_case(f"one learning rate ({one}), one epoch", False, [one], 1, 3, int(rng.integers(1, 1000)))
    return [public, other, single]


def _wine_case(title: str, public: bool, rates: list[float], epochs: int, model_seed: int,
               data_seed: int) -> Case:
    x, y = standardized_wine(32, data_seed)
    arrays = {"x": x, "y": y}
    spec = {"learning_rates": rates, "epochs": epochs, "n_features": 13, "n_classes": 3,
            "hidden": [16], "activation": "relu", "model_seed": model_seed}
    return Case(NAME, title, public, spec, arrays)


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(build_model, x, y, learning_rates, epochs)`; reports the answer and each model."""
    from grader.helpers import make_builder

    spec = case.spec
    base = make_builder(spec["n_features"], spec["n_classes"], spec["hidden"], spec["activation"],
                        spec["model_seed"])
    built = []

    def build_model():
        model = base()
        built.append(model)
        return model

    answer = function(build_model, case.arrays["x"].copy(), case.arrays["y"].copy(),
                      list(spec["learning_rates"]), spec["epochs"])
    return {"answer": answers.encode(answer), "models": [_describe(model) for model in built]}


def _describe(model: Any) -> dict[str, Any]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return {"optimizer": None, "steps": 0}
    config = optimizer.get_config()
    return {"optimizer": type(optimizer).__name__, "steps": int(np.asarray(optimizer.iterations)),
            "learning_rate": float(np.asarray(optimizer.learning_rate)),
            "momentum": float(config.get("momentum") or 0.0)}


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """One curve per rate, one loss per epoch, each matching a fresh model trained with plain SGD."""
    rates, epochs = case.spec["learning_rates"], case.spec["epochs"]
    curves = _curves_by_rate(got["answer"], rates)
    reference = dict(_curves_by_rate(expected["answer"], rates))
    for rate, curve in curves:
        if curve.size != epochs:
            raise Mismatch(f"losses for learning rate {rate:g}", f"{epochs} (one per epoch)",
                           f"{curve.size} values",
                           ("history.history['loss'] holds the training loss after each epoch: return it whole",
                            "the number of epochs is the `epochs` argument: the hidden cases ask for other "
                            "counts than the example",
                            "model.fit(x, y, epochs=epochs, verbose=0) once per model gives exactly `epochs` "
                            "losses"), mistake="wrong-epoch-count")
    _check_models(got["models"], rates, epochs)
    rows = len(case.arrays["x"])
    for rate, curve in curves:
        if not close(curve, reference[rate], LOSS_RTOL):
            raise Mismatch(f"training loss per epoch at learning rate {rate:g}", fmt(reference[rate]),
                           fmt(curve), *_curve_hint(curve, reference, rate, rows))


def _curves_by_rate(answer: Any, rates: list[float]) -> list[tuple[float, np.ndarray]]:
    hint = "return {learning_rate: history.history['loss']} with one entry per learning rate"
    items = answers.as_items(answer, "compare_learning_rates' result", hint)
    curves = []
    for key, value in items:
        number = answers.as_key_number(key)
        match = [r for r in rates if number is not None and relative_error(number, r) <= KEY_RTOL]
        if number is None:
            raise Mismatch("keys of the result", f"the learning rates {rates}",
                           f"a key {answers.kind(key)}",
                           ("key each curve by its learning rate itself (a float)",
                            "str(rate) or an f-string makes a text key; the caller looks curves up by the "
                            "number it passed",
                            "use the loop variable as it is: `curves[rate] = ...`"), mistake="string-keys")
        if not match:  # a rate of the examples, written into the code
            raise Mismatch("keys of the result", f"the learning rates {rates}",
                           f"a key {answers.kind(key)}, which is not one of them",
                           ("train the rates in the learning_rates argument: the hidden cases give other "
                            "rates than the examples",
                            "look for numbers like 0.01, 0.1 or 1.0 written in your function: each one "
                            "should come from the arguments instead",
                            "loop `for rate in learning_rates:` and build, compile, fit and record one model "
                            "per rate"), mistake="example-rates")
        if _is_number(value):
            raise Mismatch(f"losses for learning rate {match[0]:g}", "a list, one loss per epoch",
                           answers.kind(value),
                           ("return the whole history.history['loss'], not only its last value",
                            "the point is the curve: how the loss moves epoch after epoch at each rate, so "
                            "keep every value",
                            "history.history['loss'] is already that list: do not index it with [-1]"),
                           mistake="last-loss-only")
        curves.append((match[0], answers.as_vector(value, f"the losses for learning rate {match[0]:g}", hint)))
    found = sorted({rate for rate, _ in curves})
    if found != sorted(rates) or len(curves) != len(rates):
        raise Mismatch("learning rates in the result", sorted(rates), found,
                       "train and report every learning rate you are given, each once", mistake="missing-rates")
    return curves


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)


def _check_models(models: list[dict[str, Any]], rates: list[float], epochs: int) -> None:
    trained = [m for m in models if m["steps"] > 0]
    if len(models) < len(rates):
        raise Failure(f"built {len(models)} model(s) for {len(rates)} learning rates",
                      ("call build_model() once per learning rate: a model trained before starts from "
                       "weights that already moved, so the rates are not compared fairly",
                       "compiling again changes the optimizer but keeps the weights: the second rate starts "
                       "where the first one stopped",
                       "move `model = build_model()` inside the loop over the rates, before compile"),
                      mistake="reused-model")
    for model in trained:
        if model["optimizer"] != "SGD":
            raise Mismatch("optimizer", "SGD", model["optimizer"],
                           (f"your optimizer is {model['optimizer']}; this exercise uses plain SGD so "
                            "that the learning rate alone decides the step",
                            "Adam and RMSprop rescale every step, so curves at different rates look alike "
                            "and the comparison shows nothing",
                            "compile each model with keras.optimizers.SGD(learning_rate=rate)"),
                           mistake="wrong-optimizer")
        if model["momentum"] != 0.0:
            raise Mismatch("momentum", 0, model["momentum"],
                           ("plain SGD has no momentum",
                            "with momentum, each step carries the previous ones along, so the learning rate "
                            "alone no longer sets the step size",
                            "drop momentum= (and nesterov=) from the SGD(...) call"), mistake="momentum")
    # Models are built in any order, so the rates they trained at are compared as sorted lists.
    used = sorted(m["learning_rate"] for m in trained)
    if len(used) == len(rates) and not close(used, sorted(rates), LEARNING_RATE_RTOL):
        raise Mismatch("learning rates the models were trained with", sorted(rates), fmt(used),
                       ("pass each rate to SGD(learning_rate=rate); SGD's default is 0.01",
                        "optimizer='sgd' as a string, or SGD() without arguments, trains every model at 0.01",
                        "create a new SGD(learning_rate=rate) inside the loop, for each model"),
                       mistake="wrong-learning-rate")
    steps = sorted(m["steps"] for m in trained)
    if steps and steps != [epochs] * len(steps):
        raise Mismatch("training steps per model", f"{epochs} (one batch per epoch here)", steps,
                       (f"fit each fresh model once with epochs={epochs} and Keras' default batch_size",
                        "each batch is one step: a smaller batch_size, or fitting twice, takes more steps "
                        "than the reference and gives another curve",
                        "one call per model: model.fit(x, y, epochs=epochs, verbose=0), no batch_size"),
                       mistake="training-steps")


def _curve_hint(curve: np.ndarray, reference: dict[float, np.ndarray], rate: float, rows: int
                ) -> tuple[tuple[str, ...], str]:
    """The hints and mistake id for a curve that differs from the reference's."""
    for other, expected in reference.items():
        if other != rate and close(curve, expected, LOSS_RTOL):
            return ((f"this is the curve of learning rate {other:g}: key each curve by the rate it was trained "
                     "with",), "swapped-curves")
    if curve.size > 1 and close(curve[:-1], reference[rate][1:], LOSS_RTOL):
        return (("each loss is the next epoch's: these are losses after each epoch's update (as evaluate "
                 "gives), one epoch late; history.history['loss'] holds the loss during each epoch",
                 "evaluate after an epoch measures the weights that epoch produced; fit's history records "
                 "the loss while the epoch runs, starting from the untrained model",
                 "fit once with epochs=epochs and return history.history['loss'], with no evaluate loop"),
                "one-epoch-late")
    counts = curve * rows  # an accuracy is a count of right rows over `rows`
    if np.all((curve >= 0) & (curve <= 1)) and np.allclose(counts, np.round(counts), atol=1e-3):
        return ((f"these look like accuracies (fractions of the {rows} rows), not losses: return "
                 "history.history['loss']",
                 "history.history has one list per metric: 'loss' is the one this exercise asks for",
                 "history.history['loss'], not ['accuracy']"), "accuracies")
    return (("compile each fresh model with SGD(learning_rate=rate) and categorical cross-entropy, fit it on "
             "x, y for `epochs` epochs with verbose=0, and return history.history['loss']",
             "the rate, the optimizer and the steps were right, so look at the loss: these labels are "
             "one-hot and the model ends in softmax",
             "compile with loss='categorical_crossentropy'; mean squared error gives another curve"),
            "loss-curve-differs")


def plot(figure, case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Loss per epoch for each learning rate: the learner's (solid) over the reference's (dashed)."""
    axes = figure.subplots()
    rates = case.spec["learning_rates"]
    reference = dict(_curves_by_rate(expected["answer"], rates))
    try:
        mine = dict(_curves_by_rate(got["answer"], rates))
    except Failure:
        mine = {}
    for index, rate in enumerate(rates):
        color = f"C{index}"
        axes.plot(range(1, reference[rate].size + 1), reference[rate], "--", color=color, alpha=0.6,
                  label=f"reference, rate {rate:g}")
        if rate in mine:
            axes.plot(range(1, mine[rate].size + 1), mine[rate], "-", color=color, label=f"yours, rate {rate:g}")
    axes.set(xlabel="epoch", ylabel="training loss", yscale="log", title=case.title)
    axes.legend(fontsize="small")
