"""Exercise 6: choose activations and initialisers so that a deep network trains. Graded by outcome."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import pictures
from grader.core.case import TRUSTED, Case, hidden_rng
from grader.core.compare import fmt
from grader.core.feedback import Failure, Mismatch
from grader.data import standardized_wine
from grader.exercises import time_limit
from grader.exercises.model_description import describe, plain_layer, rebuild
from grader.exercises.model_training import train

NAME = "trainable_deep_model"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it. Not the reference's model description: that is the exercise's answer (a learner
# who forged their description from it had full marks); the check judges the learner's own training.
SHIPPED = {"trusted/curves": "the reference model's training losses, which a failed check quotes (their lowest) "
                             "and the picture draws beside the learner's"}
# Time limit, of the learner's job and of the grader's trusted job alike: the learner's job only builds
# and describes the model (0.38 s of CPU time for the reference on the public cases and the hidden
# cases of seeds 0-2, 0.50 s for the slowest of 4 correct variants); the trusted job trains it, three
# seeds per case: 3.77 s for the reference's model on those cases, 4.57 s at most for the variants'
# (benchmarks/limits.py, 2026-12-03, on a 2-core machine shared with other work: CPU time, little
# changed by it). The trusted job is the longer: the limit comes from it.
SECONDS = time_limit(3.77)
COST = 0.12  # building and describing the model, as the others' COST (submission_cost.py, 2026-12-04)
UNITS = 32

# Graded by outcome: the grader trains the learner's model itself, the same way at every seed, and
# gives the case's points when the training loss falls below the threshold at every seed.
# The pass mark is public, so the training never runs where the learner's code ran (which may patch
# Keras, NumPy or this module): the learner's child only describes the model as plain data (`run`),
# and a child of the grader's that ran no learner code rebuilds it from the names Keras ships and
# trains it (`trusted_case`, `run_trusted`); the reference's model goes through the same path. That
# boundary is grader/exercises/model_description.py; the training, grader/exercises/model_training.py.
# Training: plain SGD at LEARNING_RATE, EPOCHS epochs of mini-batches of BATCH_SIZE rows (Keras' default
# size), shuffled by the seed. Before each seed's training, every layer's weights are drawn afresh from
# that layer's own initialisers under the grader's seed (a seed written into an initialiser does not
# count), so the seeds are the grader's and the learner's only choice is the activation/initialiser.
# Threshold: THRESHOLD_SHARE of the loss of guessing the class frequencies (the labels' entropy: 1.086
# on wine, 1.39-1.61 on the hidden cases), which is where a network stalls whose first layers do not
# learn. It judges the lowest epoch loss (`lowest_loss`): ReLU networks train with spikes at this rate.
# The settings, and why (the measurements behind them, and the settings they replaced, are in
# benchmarks/trainable_deep_model.md, from benchmarks/trainable_deep_model.py): at these, every remedy the
# chapter names (ReLU/He, leaky ReLU/He, ELU/He, SELU/LeCun, tanh/Glorot) trains at all 140 seeds measured,
# its worst seed 1.5x below the threshold at least, while the stalled networks (sigmoid, ReLU under
# Glorot) stay 1.4x above it at best; swish and GELU under He train at some seeds only. Judging the lowest
# loss of 20 epochs ignores ReLU's late spikes; the hidden cases are deeper than the public one (12-14
# layers) and have 192 rows, six batches an epoch as wine's 178. One `train_on_batch` per batch rather
# than `fit`: 0.1-0.2 s of CPU per training of 120 steps.
LEARNING_RATE = 0.02
EPOCHS = 20
BATCH_SIZE = 32
SEEDS_PER_CASE = 3
THRESHOLD_SHARE = 0.4
HIDDEN_DEPTHS = (12, 13, 14)
HIDDEN_ROWS = 192  # six batches, as wine's 178 rows make
CLUSTER_SPREAD = 3.0  # spread of the class centres, in units of the clusters' own spread


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "stalls": "the network trained but its loss stayed near guessing: the gradient vanishes on its way back "
              "(sigmoid), or the signal on its way forward (ReLU under Glorot's scale)",
    "diverges": "the loss became infinite or NaN: weights too large for the depth, so the gradient explodes",
    "dead-units": "whole layers of ReLU units output 0 on every row from the start (biases started below 0), "
                  "so no gradient reaches the layers before them",
    "identical-units": "kernels started at a constant (zeros), so each layer's units are identical and stay so",
    "trains-at-some-seeds": "trains at some of the grader's seeds only: an activation and initialiser that "
                            "start too near the edge (swish or GELU under He)",
    "not-sequential": "returned another model than a keras.Sequential",
    "other-layer-types": "added layers other than Dense (BatchNormalization, Dropout, Activation)",
    "wrong-depth": "built another number of hidden layers than depth (often counting the output layer)",
    "wrong-width": "hidden layers of another width than 32 units",
    "wrong-output": "an output layer other than Dense(n_classes, activation='softmax')",
    "not-shipped": "an activation or initialiser of their own (a function, a lambda), which the grader cannot "
                   "rebuild",
    "wrong-input": "an input width other than n_features",
    "fitted-before-returned": "trained or set the weights before returning the model",
    "not-rebuilt": "a model the grader could not rebuild from Keras' own names to train it",
}


def cases(seed: int) -> list[Case]:
    """Public: wine at depth 10. Hidden: a deeper network (12-14 layers) on other data, other seeds."""
    # Public cases are the same for every seed (their results ship in grader/expected). Hidden ones are
    # drawn from the seed's keyed streams, one per case (`hidden_rng`): no spec holds a number of the seed.
    rng = hidden_rng(seed, NAME, 0)
    x, y = standardized_wine()
    public = _case("wine data, 10 hidden layers", True, 10, x, y, [0, 1, 2])
    depth = int(rng.choice(HIDDEN_DEPTHS))
    features, classes = int(rng.integers(6, 11)), int(rng.integers(4, 6))
    x, y = blobs(rng, HIDDEN_ROWS, features, classes)
    seeds = [int(s) for s in rng.integers(3, 10_000, size=SEEDS_PER_CASE)]
    hidden = _case(f"other data ({features} features, {classes} classes), {depth} hidden layers", False, depth,
                   x, y, seeds)
    return [public, hidden]


def blobs(rng: np.random.Generator, rows: int, features: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardised Gaussian clusters, one per class (a linear model separates most of them), one-hot labels."""
    centres = rng.normal(scale=CLUSTER_SPREAD, size=(classes, features))
    labels = np.arange(rows) % classes
    rng.shuffle(labels)
    x = centres[labels] + rng.normal(size=(rows, features))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x.astype("float32"), np.eye(classes, dtype="float32")[labels]


def _case(title: str, public: bool, depth: int, x: np.ndarray, y: np.ndarray, seeds: list[int]) -> Case:
    frequencies = y.mean(axis=0)
    entropy = float(-np.sum(frequencies * np.log(frequencies)))
    spec = {"depth": depth, "n_features": int(x.shape[1]), "n_classes": int(y.shape[1]), "seeds": seeds,
            "threshold": round(THRESHOLD_SHARE * entropy, 4), "chance": round(entropy, 4)}
    return Case(NAME, title, public, spec, {"x": x, "y": y})


# ------------------------------------------------------------------------------------- in the child


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(depth, n_features, n_classes)` and describes the model it returns, as plain data.

    Nothing is trained here: this process ran the learner's code, which may have patched Keras, NumPy or
    this module, and the pass mark is public. The grader trains the model it describes in a process of
    its own (`trusted_case`, then `run_trusted`), rebuilt from names Keras ships.
    """
    import keras

    spec = case.spec
    keras.utils.set_random_seed(spec["seeds"][0])
    model = function(spec["depth"], spec["n_features"], spec["n_classes"])
    return {"model": describe(model)}


# ------------------------------------------------------------------ in the grader's own child (trusted)


def run_trusted(case: Case) -> dict[str, Any]:
    """Rebuilds the learner's model from `trusted_case`'s plain layers and trains it at each seed.

    Runs in a child that never ran learner code (a job of kind "trusted"). The same code measures the
    reference solution, so the expected losses are computed exactly as the learner's.
    """
    import keras

    spec = case.spec
    keras.utils.set_random_seed(spec["seeds"][0])
    model = rebuild(spec["layers"], spec["n_features"])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss="categorical_crossentropy")
    runs = [train(model, case.arrays["x"], case.arrays["y"], seed, EPOCHS, BATCH_SIZE) for seed in spec["seeds"]]
    return {key: [run[i] for run in runs] for i, key in enumerate(("curves", "ratios", "starts"))}


# ------------------------------------------------------------------------------------ in the grader


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """The model's shape is the contract's, its weights fresh, and it trains at every seed."""
    model = got["model"]
    _check_shape(model, case)
    if model["fitted"]:
        raise Failure(f"the model's weights were trained or set before it was returned: {model['fitted']}",
                      ("return the model untrained (and uncompiled): the grader trains it from its initialisers, "
                       "at its own seeds, so only your choice of activations and initialisers counts",
                       "look for model.fit, model.compile with training, set_weights or weights copied from "
                       "another model between building the model and returning it",
                       "the function's last lines: build keras.Sequential([...]) and `return model`, with nothing "
                       "in between"),
                      mistake="fitted-before-returned")
    _check_training(got, expected, case)


def trusted_case(case: Case, got: Any) -> Case | None:
    """The case the grader's trusted child trains (`run_trusted`): `case` with the model described by the
    learner's answer, as plain layers; None when there is nothing to train (the check then says why)."""
    model = got["model"]
    _check_shape(model, case)
    if model["fitted"]:
        return None
    layers = [plain_layer(layer) for layer in model["layers"]]
    return Case(NAME, case.title, case.public, {**case.spec, "layers": layers}, case.arrays)


def _check_shape(model: dict[str, Any], case: Case) -> None:
    depth, classes = case.spec["depth"], case.spec["n_classes"]
    layers = model["layers"]
    if not model["sequential"]:
        raise Failure(f"trainable_deep_model returned a {model['type']}, not a keras.Sequential",
                      "build keras.Sequential([...]) of Dense layers and return it", mistake="not-sequential")
    others = sorted({layer["type"] for layer in layers if layer["type"] != "Dense"})
    if others:
        raise Failure(f"the model holds other layers than Dense: {', '.join(others)}",
                      ("use only Dense layers: choose each one's activation and kernel_initializer instead of "
                       "adding normalisation, dropout or activation layers",
                       "BatchNormalization would make most networks train, which is why the exercise rules it out: "
                       "the point is which activation and initialiser let the gradient through on their own",
                       "each hidden layer is keras.layers.Dense(32, activation=..., kernel_initializer=...); "
                       "an activation goes in that argument, not in a layer of its own"),
                      mistake="other-layer-types")
    if len(layers) != depth + 1:
        raise Mismatch("Dense layers", f"{depth + 1} ({depth} hidden and the softmax output)", len(layers),
                       ("use the depth argument: the hidden cases ask for other depths",
                        "depth counts the hidden layers only: the softmax output layer comes on top of them",
                        "a loop `for _ in range(depth)` adding one hidden Dense layer each time, then the output "
                        "layer after the loop"), mistake="wrong-depth")
    widths = [layer["units"] for layer in layers[:-1]]
    if any(width != UNITS for width in widths):
        raise Mismatch("units of the hidden layers", f"{UNITS} in each", widths,
                       (f"every hidden Dense layer has {UNITS} units",
                        "the exercise fixes the widths so that only the activations and initialisers differ "
                        "between a network that stalls and one that trains",
                        f"keras.layers.Dense({UNITS}, ...) for each hidden layer"), mistake="wrong-width")
    output = layers[-1]
    if output["units"] != classes or output["activation"] != "softmax":
        raise Mismatch("output layer", f"Dense({classes}, activation='softmax')",
                       f"Dense({output['units']}, activation='{output['activation']}')",
                       "end with Dense(n_classes, activation='softmax')", mistake="wrong-output")
    if not all(layer["shipped"] for layer in layers):
        raise Failure("an activation or initialiser is not one that Keras ships",
                      ("choose from keras.activations and keras.initializers by name (e.g. 'elu', 'he_normal')",
                       "the grader rebuilds your model from those names in a process of its own to train it: a "
                       "function, lambda, layer or initialiser object of your own has no such name"),
                      mistake="not-shipped")
    if model["input_width"] not in (None, case.spec["n_features"]):
        raise Mismatch("input width", case.spec["n_features"], model["input_width"],
                       "use the n_features argument for keras.Input(shape=(n_features,))", mistake="wrong-input")


def _check_training(got: dict[str, Any], expected: dict[str, Any], case: Case) -> None:
    threshold, seeds = case.spec["threshold"], case.spec["seeds"]
    trained = got.get(TRUSTED)
    if not isinstance(trained, dict) or "curves" not in trained:
        why = trained.get("refused") if isinstance(trained, dict) else ""
        raise Failure("the grader could not rebuild your model to train it" + (f": {why}" if why else ""),
                      ("build it from keras.layers.Dense layers only, each activation and initialiser named as "
                       "Keras ships it (activation='elu', kernel_initializer='he_normal')",
                       "the grader rebuilds the model from its layers' names and settings in a process of its "
                       "own, then trains it: custom functions, lambdas and objects of your own cannot be "
                       "rebuilt"), mistake="not-rebuilt")
    lowest = np.array([lowest_loss(curve) for curve in trained["curves"]], dtype="float64")
    failed = [i for i, loss in enumerate(lowest) if not loss < threshold]
    if not failed:
        return
    reference = [lowest_loss(curve) for curve in expected[TRUSTED]["curves"]]
    losses = ", ".join(f"{fmt(loss)} at seed {seeds[i]}" for i, loss in enumerate(lowest))
    message = (f"in {EPOCHS} epochs of plain SGD (learning rate {LEARNING_RATE}) the training loss must fall "
               f"below {threshold:g} at every seed (guessing the class frequencies gives {case.spec['chance']:g}); "
               f"your lowest: {losses}. The reference gets down to {fmt(min(reference))}-{fmt(max(reference))}")
    cause, named = diagnosis(got, case)
    if len(failed) < len(lowest):
        raise Failure(message + f". It trains at {len(lowest) - len(failed)} of {len(lowest)} seeds only",
                      ("a network that trains at some seeds and not at others starts too close to the edge: its "
                       "activation and initialiser do not keep the signal's size through every layer at every "
                       "draw of the weights, and with 32 units per layer the spread from draw to draw grows with "
                       "depth",
                       cause,
                       "keep the Dense layers and pair the hidden layers' activation with the initialiser made "
                       "for it: 'relu' or 'elu' with kernel_initializer='he_normal', or 'selu' with "
                       "'lecun_normal' (each trains at every seed measured)"), mistake="trains-at-some-seeds")
    finals = np.array([curve[-1] if curve else np.nan for curve in trained["curves"]], dtype="float64")
    mistake = named or ("diverges" if not np.all(np.isfinite(finals)) else "stalls")
    raise Failure(f"{message}. Why: {cause}", STARTS[mistake], mistake=mistake)


# The hints of each way a deep network fails to train, gentlest first (its cause is in the message).
STARTS = {
    "dead-units": (
        "a ReLU unit whose input is below 0 for every row outputs 0 and passes back no gradient, so nothing "
        "moves its weights and it stays dead (exercise 3's dead units); a layer of dead units blocks the "
        "signal and the gradient of every layer before it",
        "the biases shift each unit's input: start them at 0 (Keras' default) and let the kernel's "
        "initialiser set the input's spread",
        "Dense(32, activation='relu', kernel_initializer='he_normal'), with no bias_initializer argument"),
    "identical-units": (
        "units that start with the same weights compute the same output and get the same gradient, so they "
        "stay the same: a layer of 32 identical units learns what one unit would",
        "a random kernel initialiser breaks that symmetry: glorot_uniform (Keras' default), he_normal, "
        "lecun_normal; a constant one (zeros, ones, constant) never does",
        "leave out kernel_initializer='zeros' (or 'ones', Constant): Dense(32, activation='relu', "
        "kernel_initializer='he_normal')"),
    "stalls": (
        "change the activation of the hidden layers, or their initialiser, so that the gradient reaches the "
        "first layers: the chapter's measurements point the way",
        "exercise 5's ratio (the first layer's gradient over the last's) is the measure: pick the activation "
        "and initialiser that keep it near 1 at this depth",
        "each hidden Dense layer takes an activation and a kernel_initializer made for each other: 'selu' "
        "with 'lecun_normal', 'elu' or 'relu' with 'he_normal'; saturating activations (sigmoid) shrink the "
        "gradient at every layer"),
    "diverges": (
        "the loss became infinite or NaN: the weights grew with every step instead of settling",
        "an initialiser that keeps each layer's variance keeps the gradient's size too: He for ReLU and "
        "ELU, LeCun for SELU, Glorot for tanh; a larger scale makes it explode",
        "Dense(32, activation='relu', kernel_initializer='he_normal') for each hidden layer"),
}


def lowest_loss(curve: list[float]) -> float:
    """A training's lowest epoch loss, the number the threshold judges (inf when no epoch's is finite).

    The lowest rather than the last: ReLU networks under plain SGD at this rate train with spikes (an
    epoch's loss can jump from 0.4 to 1.6 and fall back), which say nothing about whether the gradient
    reaches the first layers; a stalled network never gets down at all.
    """
    finite = [float(value) for value in curve if np.isfinite(value)]
    return min(finite) if finite else float("inf")


def diagnosis(got: dict[str, Any], case: Case) -> tuple[str, str]:
    """The cause, in terms of the learner's own model, and the mistake it names ("" when the outcome names it).

    Read with the chapter's tools from what the grader's training met at the initial weights (the first
    batch at each seed, `model_training.starting_state`): hidden layers whose units all start identical, layers whose
    units are all dead (exercise 3's rule) at every seed, then how much of the output layer's gradient
    reaches the first layer in the first step (exercise 5's ratio).
    """
    trained = got[TRUSTED]
    hidden = got["model"]["layers"][:-1]
    starts = [start for start in trained.get("starts") or [] if start]
    identical = [i for i in range(len(hidden)) if starts and all(start["identical"][i] for start in starts)]
    if identical:
        return (f"the {hidden[identical[0]]['units']} units of {_layers(identical, len(hidden))} start with the "
                "same weights, so they compute the same output on every row and get the same gradient: they stay "
                f"alike, as one unit would. {_start_value(hidden, identical, 'kernel')}", "identical-units")
    dead = [min(start["dead"][i] for start in starts) if starts else 0 for i in range(len(hidden))]
    blocked = [i for i, count in enumerate(dead) if count == hidden[i]["units"]]
    if blocked:
        return (f"all {hidden[blocked[0]]['units']} units of {_layers(blocked, len(hidden))} output 0 on every row "
                "of the first batch, at every seed: dead from the start (exercise 3's rule), so no gradient "
                f"reaches the layers before them. {_start_value(hidden, blocked, 'bias')}", "dead-units")
    some_dead = (f" At the start {sum(dead)} of your {sum(layer['units'] for layer in hidden)} hidden units are "
                 f"already dead (they output 0 on every row of the first batch): {', '.join(map(str, dead))}, "
                 "layer by layer." if any(dead) else "")
    ratios = np.asarray(trained["ratios"], dtype="float64")
    if not np.any(np.isfinite(ratios)):
        return "the first training step moved no weight of the output layer: look at the loss curves" + some_dead, ""
    ratio = float(np.median(ratios[np.isfinite(ratios)]))
    activations = sorted({layer["activation"] for layer in hidden})
    what = f"your {case.spec['depth']} {' / '.join(activations)} layers"
    if ratio < 1e-2:
        return (f"{what} pass {ratio:.1g} of the output layer's gradient to the first (median over the seeds, "
                "in the first training step): the first layers barely learn, the gradient vanishes" + some_dead, "")
    if ratio > 1e2:
        return (f"{what} give the first layer {ratio:.1g} times the output layer's gradient: the gradient "
                "explodes; pick an initialiser that keeps each layer's variance (He for ReLU, LeCun for SELU)"
                + some_dead, "")
    return (f"{what} pass {ratio:.2g} of the output layer's gradient to the first, so it does not vanish on its "
            "way back; the signal may vanish on its way forward instead: under Glorot's scale each ReLU layer "
            "halves its variance, so after many layers the output barely depends on the input (He "
            "initialisation doubles the scale to make up for it)." + some_dead, "")


def _layers(indices: list[int], depth: int) -> str:
    """Hidden layers by their 0-based `indices`, as a learner counts them: "your first 3 hidden layers"."""
    if len(indices) == depth:
        return f"each of your {depth} hidden layers"
    if indices == list(range(len(indices))):
        return "your first hidden layer" if len(indices) == 1 else f"your first {len(indices)} hidden layers"
    if indices == list(range(indices[0], indices[-1] + 1)):
        return f"your hidden layers {indices[0] + 1} to {indices[-1] + 1}"
    return "your hidden layers " + ", ".join(str(i + 1) for i in indices)


def _start_value(hidden: list[dict[str, Any]], indices: list[int], weights: str) -> str:
    """Where the learner's initialiser of `weights` ("kernel" or "bias") starts the first of those layers, as the
    cause when it is a constant that explains them (any constant kernel; a bias below 0)."""
    described = hidden[indices[0]][f"{weights}_initializer"]
    name, config = described["class_name"], described["config"]
    value = {"Zeros": 0, "Ones": 1}.get(name, config.get("value") if name == "Constant" else None)
    plural = "kernels" if weights == "kernel" else "biases"
    if isinstance(value, int | float) and (weights == "kernel" or value < 0):
        setting = f"Constant(value={value:g})" if name == "Constant" else name
        return f"Your {plural} start at {value:g} ({weights}_initializer {setting})."
    kernel = hidden[indices[0]]["kernel_initializer"]["class_name"]
    bias = hidden[indices[0]]["bias_initializer"]["class_name"]
    return f"Look at where your kernels ({kernel}) and biases ({bias}) start."


def plot(figure, case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Training loss per epoch at each seed, the learner's (solid) over the reference's (dashed)."""
    axes = figure.subplots()
    for index, seed in enumerate(case.spec["seeds"]):
        color = f"C{index}"
        reference = expected[TRUSTED]["curves"][index]
        pictures.reference_line(axes, range(1, len(reference) + 1), reference, color, f"reference, seed {seed}")
        trained = got.get(TRUSTED) if isinstance(got, dict) else None
        if isinstance(trained, dict) and index < len(trained.get("curves") or []):
            mine = trained["curves"][index]
            pictures.learner_line(axes, range(1, len(mine) + 1), mine, color, f"yours, seed {seed}")
    axes.axhline(case.spec["threshold"], color="grey", linestyle=":", label="threshold")
    axes.set(xlabel="epoch", ylabel="training loss", yscale="log", title=case.title)
    pictures.counting(axes.xaxis)
    pictures.legend(axes)
