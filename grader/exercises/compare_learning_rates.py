"""Exercise 2: train a fresh model per learning rate and return each loss curve."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import answers, pictures
from grader.core.case import Case, hidden_rng, random_classification
from grader.core.compare import close, fmt, relative_error
from grader.core.feedback import Failure, Mismatch
from grader.data import standardized_wine
from grader.exercises import time_limit

NAME = "compare_learning_rates"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it: nothing else of the reference leaves the instructor's machine.
SHIPPED = {"answer": "the reference's loss curves, which the learner's are compared with (and drawn beside)"}
# Time limit: the reference's job took 1.66 s of CPU time on the public cases and the hidden cases of
# seeds 0-2, the slowest correct variant's 2.49 s (models_built_up_front, of 6) (benchmarks/limits.py,
# 2026-12-04, on a 2-core machine shared with other work: CPU time, little changed by it).
SECONDS = time_limit(1.66)
# Its share of a grading: the reference's function took 0.83 s of CPU time on the public cases and seed 0's
# hidden cases, in one warm process (benchmarks/submission_cost.py, 2026-12-04, least of 3).
COST = 0.83

# Keras shuffles the rows each epoch (fit's default), and with more rows than a batch the curves
# depend on that order: measured (benchmarks/tolerances.py `shuffle_orders`, 8 orders, the other case's
# 72 rows, 4 epochs) two orders differ by 0.26% at rate 0.02, 2.0% at 0.2 and 3.4% at 0.5, while
# shuffle=False (one of the possible orders) lands 0.29%, 3.9% and 9.8% from one fixed order: at the
# smaller rates no further than another random order. So no tolerance over orders can keep a correct
# answer and catch shuffle=False. Instead the grader fixes the order: `run` seeds Keras' random state
# (keras.utils.set_random_seed(SHUFFLE_SEED)) at the start of every fit of the models it builds, so each
# fit sees the very same orders whatever the learner seeded (nothing, set_random_seed before the models
# or between build and fit, one fit or one per epoch): measured 0.0 difference from the reference in
# every such variant, over the hidden cases of 20 seeds (`other_case`).
# What is left is float noise: with one batch (the public case's 32 rows) the order inside it; the worst
# relative difference, 4 seeds x 6 rates up to 10, 12 epochs, shuffle on vs off, was 4e-6 for rates up
# to 3 (1.3e-5 once diverging at rate 10). 1e-3 is 250x that; a wrong rate, optimizer, momentum, a
# reused model or unshuffled rows move the curves by far more (shuffle=False by 2.4% at least on the
# other case over seeds 0-19, and by 1.0% at least whatever its draw: LARGER_RATES).
LOSS_RTOL = 1e-3
KEY_RTOL = 1e-9
# An optimizer stores its learning rate as a float32 variable: 2**-24 relative rounding.
LEARNING_RATE_RTOL = 1e-6
RATE_MENU = (0.003, 0.02, 0.05, 0.2, 0.5, 2.0)  # none of them public; all converge or stall, none is NaN
SHUFFLE_SEED = 0
DEFAULT_BATCH_SIZE = 32  # Keras' fit
PUBLIC_EPOCHS = 3
# The other case's epochs: never the public case's, so that a count written into the code fails a hidden
# case whatever the draw.
OTHER_EPOCHS = (1, 2, 4)
# The larger of the other case's two rates (the smaller is any rate of the menu below it): unshuffled
# batches move even a one-epoch curve far beyond LOSS_RTOL there, by 1.0% at least at 0.2, 2.4% at 0.5 and
# 8.8% at 2, but by as little as 0.27% at 0.05, 0.11% at 0.02 and 0.016% at 0.003 (the step is too short
# for the order of the batches to show; benchmarks/tolerances.py `other_case`, the data and models of
# seeds 0-19). The check fails when any rate's curve is off, so the larger rate is the one that catches it.
LARGER_RATES = (0.2, 0.5, 2.0)
# Three batches per epoch (32, 32, 8): rows held out or one batch make fewer. Sorted by class (18 rows of
# each), so that unshuffled batches come class after class.
OTHER_ROWS = 72


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "reused-model": "trained one model for every learning rate, so each rate went on from the weights the last "
                    "one left: each rate needs a fresh model from build_model()",
    "wrong-optimizer": "trained with another optimizer than plain SGD at each rate",
    "momentum": "trained with SGD and momentum, not plain SGD",
    "wrong-learning-rate": "the optimizer did not get the rate the curve is keyed by",
    "wrong-epoch-count": "returned another number of losses per rate than epochs (often the example's count "
                         "written in)",
    "epoch-count": "trained each model for more or fewer epochs than asked (a second fit, or a fit before the "
                   "one recorded)",
    "batch-size": "trained with another batch size than Keras' default, or held rows out, so each epoch took "
                  "another number of steps",
    "full-batch": "trained on the whole data in one step per epoch (batch_size=len(x)) instead of Keras' "
                  "mini-batches",
    "shuffle-off": "trained with shuffle=False: the batches are the same every epoch, and the curve differs",
    "validation-split": "held rows out with validation_split, so each model trained on less data",
    "example-rates": "trained the example's learning rates instead of the ones passed in",
    "missing-rates": "left some of the given learning rates out of the result (or trained one twice)",
    "string-keys": "keyed the curves by text (str(rate)) instead of the learning rates themselves",
    "last-loss-only": "returned only the final loss per rate instead of the loss after every epoch",
    "swapped-curves": "put a curve under another rate's key",
    "one-epoch-late": "recorded losses after each epoch's update (evaluate), one epoch late compared with fit's "
                      "history",
    "accuracies": "returned accuracies instead of losses",
    "loss-curve-differs": "the curves differ although the steps were right: usually another loss (mean squared "
                          "error)",
}


def cases(seed: int) -> list[Case]:
    """Public: wine, rates 0.01, 0.1, 1.0. Hidden: other rates, in another order, on another model and more
    rows than a batch, sorted by class, for another number of epochs (1, 2 or 4, never the example's)."""
    # Every fit costs about 0.1 s (Keras traces its training step and builds its data pipeline) plus ~20 ms
    # per epoch, most of a submission's grading time, so the one hidden case spends two fits and changes
    # everything at once: the rates, their order, the epochs, the data's shape and the model (a rate, a
    # count or a shape written into the code; one epoch is the edge where a count written in and a last
    # loss returned alone part), and the batches: its rows are three batches (OTHER_ROWS), so full-batch
    # training, rows held out for validation or another batch size take another number of steps, and
    # sorted by class, so that unshuffled batches change the curves (LARGER_RATES).
    rng = hidden_rng(seed, NAME, 0)  # one keyed stream per hidden case: no spec holds a number of the seed
    public = _wine_case("wine data, learning rates 0.01, 0.1 and 1.0", True, [0.01, 0.1, 1.0], PUBLIC_EPOCHS, 0, 0)
    larger = float(rng.choice(LARGER_RATES))
    rates = [larger, float(rng.choice([rate for rate in RATE_MENU if rate < larger]))]
    epochs = int(rng.choice(OTHER_EPOCHS))
    data = random_classification(rng, OTHER_ROWS, 6, 4)
    order = np.argsort(data["y"].argmax(axis=1), kind="stable")
    other = Case(NAME, f"learning rates {rates} in this order on a two-layer tanh model, {OTHER_ROWS} rows sorted "
                 f"by class, {epochs} epoch{'s' * (epochs > 1)}", False,
                 {"learning_rates": rates, "epochs": epochs, "n_features": 6, "n_classes": 4,
                  "hidden": [8, 8], "activation": "tanh", "model_seed": int(rng.integers(7, 38))},
                 {"x": data["x"][order], "y": data["y"][order]})
    return [public, other]


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
    built: list[tuple[Any, list[dict[str, Any]]]] = []

    def build_model():
        model = base()
        built.append((model, _seed_each_fit(model)))
        return model

    answer = function(build_model, case.arrays["x"].copy(), case.arrays["y"].copy(),
                      list(spec["learning_rates"]), spec["epochs"])
    return {"answer": answers.encode(answer), "models": [_describe(model, fits) for model, fits in built]}


VALIDATION_HINT = ("validation_split holds the last rows out of training: train on all of x and y, with Keras' "
                   "defaults for everything but epochs",
                   "the loss in history.history['loss'] is then measured on fewer rows, and the model learns from "
                   "fewer: both change the curve",
                   "model.fit(x, y, epochs=epochs, verbose=0), with no validation_split or validation_data")
FIT_SETTINGS = ("batch_size", "epochs", "shuffle", "validation_split")


def _seed_each_fit(model: Any) -> list[dict[str, Any]]:
    """Makes each `model.fit` start from Keras' random state SHUFFLE_SEED (so the shuffle order is the
    reference's whatever the learner seeded) and records the settings it was given, for hints."""
    import keras

    fit, fits = model.fit, []

    def seeded_fit(*args: Any, **kwargs: Any) -> Any:
        fits.append({key: kwargs[key] if isinstance(kwargs[key], bool | int | float) else repr(kwargs[key])[:40]
                     for key in FIT_SETTINGS if key in kwargs})
        keras.utils.set_random_seed(SHUFFLE_SEED)
        return fit(*args, **kwargs)

    model.fit = seeded_fit
    return fits


def _describe(model: Any, fits: list[dict[str, Any]]) -> dict[str, Any]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return {"optimizer": None, "steps": 0, "fits": fits}
    config = optimizer.get_config()
    return {"optimizer": type(optimizer).__name__, "steps": int(np.asarray(optimizer.iterations)),
            "learning_rate": float(np.asarray(optimizer.learning_rate)),
            "momentum": float(config.get("momentum") or 0.0), "fits": fits}


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
    rows = len(case.arrays["x"])
    _check_models(got["models"], rates, epochs, rows)
    for rate, curve in curves:
        if not close(curve, reference[rate], LOSS_RTOL):
            setting = _setting_mismatch(got["models"], rows, f"training loss per epoch at learning rate {rate:g}",
                                        fmt(reference[rate]), fmt(curve))
            if setting:
                raise setting
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


def _check_models(models: list[dict[str, Any]], rates: list[float], epochs: int, rows: int) -> None:
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
    per_epoch = -(-rows // DEFAULT_BATCH_SIZE)
    if steps and steps != [epochs * per_epoch] * len(steps):
        raise _steps_mismatch(steps, epochs, per_epoch, rows, [fit for m in trained for fit in m.get("fits", [])])


def _steps_mismatch(steps: list[int], epochs: int, per_epoch: int, rows: int, fits: list[dict[str, Any]]
                    ) -> Mismatch:
    """Why the models took another number of steps than `epochs` epochs of fit's default batches."""
    what = "training steps per model"
    batches = (f"{per_epoch} batch per epoch here" if per_epoch == 1 else
               f"{per_epoch} batches per epoch here: {rows} rows at Keras' default batch_size of {DEFAULT_BATCH_SIZE}")
    expected = f"{epochs * per_epoch} ({epochs} epoch{'s' * (epochs != 1)}, {batches})"
    if any(fit.get("validation_split") for fit in fits):
        return Mismatch(what, expected, steps, VALIDATION_HINT, mistake="validation-split")
    sizes = [fit["batch_size"] for fit in fits if isinstance(fit.get("batch_size"), int)]
    if per_epoch > 1 and (all(step == epochs for step in steps) or any(size >= rows for size in sizes)):
        return Mismatch(what, expected, steps,
                        (f"one step per epoch is full-batch training (batch_size=len(x), or one train_on_batch per "
                         f"epoch): fit's default batch_size of {DEFAULT_BATCH_SIZE} makes {per_epoch} steps per "
                         f"epoch on these {rows} rows. Leave batch_size out",
                         "the exercise compares learning rates under Keras' defaults: each mini-batch is a step, "
                         "so full-batch training takes fewer, larger steps and draws another curve",
                         "model.fit(x, y, epochs=epochs, verbose=0): no batch_size, no train_on_batch loop"),
                        mistake="full-batch")
    if all(step % per_epoch == 0 for step in steps) and not any(size != DEFAULT_BATCH_SIZE for size in sizes):
        trained = sorted({step // per_epoch for step in steps})
        return Mismatch(what, expected, steps,
                        (f"that is {', '.join(map(str, trained))} epoch(s) of training per model: fit each fresh "
                         f"model once, with epochs={epochs} (the argument), and return all of its history",
                         "a second fit, or a fit before the one you record, trains the model further: its "
                         "curve starts from trained weights",
                         "one call per model: history = model.fit(x, y, epochs=epochs, verbose=0)"),
                        mistake="epoch-count")
    return Mismatch(what, expected, steps,
                    (f"fit each fresh model once with epochs={epochs} and Keras' default batch_size "
                     f"({DEFAULT_BATCH_SIZE}): another batch size, or rows held out, changes the steps per epoch",
                     "each batch is one step of SGD: a smaller batch takes more steps per epoch, and the curve "
                     "moves further than the reference's",
                     "model.fit(x, y, epochs=epochs, verbose=0), with no batch_size"),
                    mistake="batch-size")


def _setting_mismatch(models: list[dict[str, Any]], rows: int, what: str, expected: str, actual: str
                      ) -> Mismatch | None:
    """A wrong curve explained by a fit setting that departs from Keras' defaults, or None.

    Unshuffled rows explain it only when there is more than one batch: in one, the order does not matter.
    """
    fits = [fit for model in models for fit in model.get("fits", [])]
    if any(fit.get("validation_split") for fit in fits):
        return Mismatch(what, expected, actual, VALIDATION_HINT, mistake="validation-split")
    if rows > DEFAULT_BATCH_SIZE and any(fit.get("shuffle") is False for fit in fits):
        return Mismatch(what, expected, actual,
                        ("fit shuffles the rows every epoch by default, and shuffle=False turns that off: here the "
                         "rows are sorted by class, so the unshuffled batches come class after class, the same every "
                         "epoch, and each step pulls the model towards its batch's classes. Leave shuffle at its "
                         "default",
                         "the grader seeds Keras before each fit, so the default shuffle gives the same order as "
                         "the reference's: nothing in your code needs to fix the order",
                         "model.fit(x, y, epochs=epochs, verbose=0), with no shuffle argument"),
                        mistake="shuffle-off")
    return None




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
        pictures.reference_line(axes, range(1, reference[rate].size + 1), reference[rate], color,
                                f"reference, rate {rate:g}")
        if rate in mine:
            pictures.learner_line(axes, range(1, mine[rate].size + 1), mine[rate], color, f"yours, rate {rate:g}")
    axes.set(xlabel="epoch", ylabel="training loss", yscale="log", title=case.title)
    pictures.counting(axes.xaxis)
    pictures.legend(axes)
