"""Measurements behind the statements of the optimization exercises and their notebook prose.

Run from the repository root (stdout is the markdown report; TensorFlow's logs go to stderr):

    .venv/bin/python benchmarks/measurements.py > benchmarks/measurements.md

(`--quoted` measures only the quantities the exercise text quotes, and writes them, without the report.)

Every model and data set is seeded, and every fit starts with keras.utils.set_random_seed, so reruns on the
same machine print the same numbers (timings aside). It also writes the quantities the exercise text quotes
into benchmarks/measured.json (grader.authoring.measured: `python -m grader.build` puts them into the text). The
quantities are computed with the reference solutions (solutions/optimization.py) and the grader's model
builders (grader/helpers.py).
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from grader.authoring import measured
from grader.helpers import load_wine, make_builder, make_depth_builder, one_hot

REPO = Path(__file__).resolve().parent.parent
COMMAND = ".venv/bin/python benchmarks/measurements.py > benchmarks/measurements.md"
SEEDS = range(5)
UNITS = 32
EPOCHS = 20

Init = Callable[[int], keras.initializers.Initializer]
GradientResult = tuple[float, float, float, bool]
# The quantities the exercise text quotes, by name (grader.authoring.measured), as the tables below measure them.
QUOTED: dict[str, dict] = {}


def quote(name: str, values: Sequence[float], source: str) -> None:
    """Keeps a quantity for measured.json (none when no value is finite: nothing to quote)."""
    if any(np.isfinite(values)):
        QUOTED[name] = measured.summarise(values, f"{SEEDS[0]}-{SEEDS[-1]}", f"benchmarks/measurements.md, {source}")


def name_of(value: float) -> str:
    """A number as part of a quantity's name: 0.1 -> 0_1."""
    return f"{value:g}".replace(".", "_")


def load_reference():
    """solutions/optimization.py as a module (the grader loads it by path, too)."""
    path = REPO / "solutions" / "optimization.py"
    spec = importlib.util.spec_from_file_location("reference_solutions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = load_reference()


# ---------------------------------------------------------------------------------------------- formatting


def fmt(value: float) -> str:
    """A number in 3 significant digits; scientific notation outside [0.01, 1000)."""
    if np.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 1000:
        return f"{value:.3g}"
    return f"{value:.2e}"


def summary(values: Sequence[float], bad: str = "NaN") -> str:
    """'median (min–max)' of the finite values, then how many were not finite (labelled `bad`)."""
    finite = [v for v in values if np.isfinite(v)]
    missing = len(values) - len(finite)
    if not finite:
        return f"{bad} in {missing}/{len(values)}"
    text = fmt(statistics.median(finite))
    if len(finite) > 1:
        text += f" ({fmt(min(finite))}–{fmt(max(finite))})"
    if missing:
        text += f", {bad} in {missing}/{len(values)}"
    return text


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ 1. gradients


def random_data(seed: int, rows: int = 64, features: int = 8, classes: int = 3) -> tuple[np.ndarray, ...]:
    """Random-normal features and uniformly drawn one-hot labels."""
    rng = np.random.default_rng([seed, 42])
    x = rng.standard_normal((rows, features)).astype("float32")
    return x, one_hot(rng.integers(0, classes, rows), classes)


def custom_stack(depth: int, activation: str, kernel_init: Init, seed: int, bias_init: Init | None = None):
    """make_depth_builder's model on 8 features, but every kernel (output included) drawn by kernel_init
    (seeded as dense_model seeds them), and the hidden biases by bias_init (zero when None)."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(8,)))
    for index in range(depth + 1):
        hidden = index < depth
        model.add(
            keras.layers.Dense(
                UNITS if hidden else 3,
                activation=activation if hidden else "softmax",
                kernel_initializer=kernel_init(seed * 1000 + index),
                bias_initializer=bias_init(seed * 1000 + 500 + index) if bias_init and hidden else "zeros",
            )
        )
    return model


def gradient_norms(model: keras.Model, x: np.ndarray, y: np.ndarray) -> GradientResult:
    """(first norm, last norm, ratio, float32 first norm is 0) of the kernel gradients.

    The gradients are exactly layer_gradient_norms' (mean categorical cross-entropy of `model(x)`, one kernel
    per Dense layer), but the norms are taken in float64: the reference's float32 tf.norm squares the
    elements, so a gradient whose elements are all below ~1e-19 gets norm 0. The last value says whether
    that happens to the first kernel. The ratio is NaN when both gradients are exactly 0 (0/0).
    """
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    gradients = tape.gradient(loss, [layer.kernel for layer in model.layers])
    first, last = (float(np.linalg.norm(np.asarray(g, dtype="float64"))) for g in (gradients[0], gradients[-1]))
    reference_zero = float(tf.norm(gradients[0])) == 0.0
    return first, last, first / last if last else float("nan"), reference_zero


def ratio_cell(results: Sequence[GradientResult]) -> str:
    """summary() of the ratios, flagged † when the float32 reference reports a first-kernel norm of 0."""
    text = summary([ratio for _, _, ratio, _ in results], bad="0/0")
    zeros = sum(zero for *_, zero in results)
    return text + (f" †{zeros}/{len(results)}" if zeros else "")


DEPTHS = [1, 2, 5, 10, 20, 30]
ACTIVATIONS = ["sigmoid", "tanh", "relu"]


def ratios_glorot() -> str:
    """1a: the builder the exercise gives learners (Glorot uniform, zero biases), on random data."""
    rows = []
    for activation in ACTIVATIONS:
        cells, medians = [], []
        for depth in DEPTHS:
            results = []
            for seed in SEEDS:
                x, y = random_data(seed)
                results.append(gradient_norms(make_depth_builder(8, 3, UNITS, seed)(depth, activation), x, y))
            cells.append(ratio_cell(results))
            quote(f"ratio_{activation}_depth_{depth}", [ratio for _, _, ratio, _ in results], f"1a, {activation}")
            medians.append(QUOTED[f"ratio_{activation}_depth_{depth}"]["median"])
        rows.append([activation, *cells])
        quote(f"ratio_{activation}_medians", medians, f"1a, {activation}: the medians of depths {DEPTHS}")
    return table(["activation", *(f"depth {d}" for d in DEPTHS)], rows)


def normal(stddev: float) -> Init:
    return lambda seed: keras.initializers.RandomNormal(stddev=stddev, seed=seed)


def glorot(seed: int) -> keras.initializers.Initializer:
    return keras.initializers.GlorotUniform(seed=seed)


INIT_DEPTHS = [5, 10, 20]
KERNEL_INITS: dict[str, Init] = {
    "RandomNormal σ=0.01": normal(0.01),
    "RandomNormal σ=0.05": normal(0.05),
    "RandomNormal σ=0.1": normal(0.1),
    "Glorot uniform (default; σ≈0.18 for 32→32)": glorot,
    "He normal (σ=0.25 for 32→32)": lambda seed: keras.initializers.HeNormal(seed=seed),
    "RandomNormal σ=0.5": normal(0.5),
    "RandomNormal σ=1.0": normal(1.0),
}


def init_rows(activation: str, inits: dict[str, tuple[Init, Init | None]]) -> list[list[str]]:
    """Per (kernel init, bias init): the ratio and the first kernel's absolute gradient norm, by depth."""
    rows = []
    for name, (kernel_init, bias_init) in inits.items():
        ratio_cells, first_cells = [], []
        for depth in INIT_DEPTHS:
            results = []
            for seed in SEEDS:
                x, y = random_data(seed)
                model = custom_stack(depth, activation, kernel_init, seed, bias_init)
                results.append(gradient_norms(model, x, y))
            ratio_cells.append(ratio_cell(results))
            if (activation, name, depth) in QUOTED_INITS:
                quote(QUOTED_INITS[activation, name, depth], [ratio for _, _, ratio, _ in results],
                      f"{activation}, {name}, depth {depth}")
            first_cells.append(fmt(statistics.median(first for first, *_ in results)))
        rows.append([name, *ratio_cells, *first_cells])
    return rows


# The cells of 1b-1e that the text quotes: (activation, row, depth) -> name.
QUOTED_INITS = {("tanh", "RandomNormal σ=1.0", 10): "ratio_tanh_normal_1_depth_10",
                ("tanh", "Glorot uniform, bias σ_b=0.5", 10): "ratio_tanh_bias_0_5_depth_10"}

INIT_HEADER = [
    *(f"ratio, depth {d}" for d in INIT_DEPTHS),
    *(f"median ‖∇W₁‖, depth {d}" for d in INIT_DEPTHS),
]


def ratios_by_kernel_init(activation: str) -> str:
    """1b–1d: the initial kernel scale, biases kept at zero."""
    rows = init_rows(activation, {name: (init, None) for name, init in KERNEL_INITS.items()})
    return table(["kernel init", *INIT_HEADER], rows)


def ratios_with_bias() -> str:
    """1e: tanh with random-normal initial biases."""
    inits = {
        f"{kernel_name}, bias σ_b={bias}": (kernel_init, normal(bias))
        for kernel_name, kernel_init in [("Glorot uniform", glorot), ("RandomNormal σ=0.1", normal(0.1))]
        for bias in (0.1, 0.5, 1.0)
    }
    return table(["kernels, hidden biases", *INIT_HEADER], init_rows("tanh", inits))


def ratios_wine(depth: int = 10) -> str:
    """1f: the builder the exercise gives learners, on the wine data."""
    x, y = load_wine()
    rows = []
    for activation in ACTIVATIONS:
        results = [gradient_norms(make_depth_builder(13, 3, UNITS, seed)(depth, activation), x, y) for seed in SEEDS]
        rows.append([activation, ratio_cell(results)])
    return table(["activation", f"ratio at depth {depth}, wine (178 rows, 13 features)"], rows)


# ----------------------------------------------------------------------------------- 2. learning rates

LEARNING_RATES = [1e-4, 1e-3, 1e-2, 0.1, 1.0, 3.0, 10.0]


def loss_baselines() -> str:
    """The loss before training, and the losses of two constant guesses, as a sentence."""
    x, y = load_wine()
    cross_entropy = keras.losses.CategoricalCrossentropy()
    before = [float(cross_entropy(y, make_builder(13, 3, (16,), "relu", seed)()(x))) for seed in SEEDS]
    counts = y.sum(axis=0)
    frequencies = counts / counts.sum()
    prior = float(-(frequencies * np.log(frequencies)).sum())
    return (
        f"Loss before training: {summary(before)}. Guessing uniformly gives ln 3 ≈ {np.log(3):.3f}; always "
        f"guessing the class frequencies ({'/'.join(str(int(c)) for c in counts)}) gives {prior:.3f}."
    )


def learning_rates(rates: Sequence[float] = LEARNING_RATES) -> str:
    """compare_learning_rates on wine, one learning rate per call so that each fit is seeded alike."""
    x, y = load_wine()
    rows = []
    for rate in rates:
        histories = []
        for seed in SEEDS:
            keras.utils.set_random_seed(seed)
            builder = make_builder(13, 3, (16,), "relu", seed)
            histories.append(REF.compare_learning_rates(builder, x, y, [rate], EPOCHS)[rate])
        highest = [max((v for v in h if np.isfinite(v)), default=float("nan")) for h in histories]
        for epoch in (1, 5, EPOCHS):
            quote(f"loss_rate_{name_of(rate)}_epoch_{epoch}", [h[epoch - 1] for h in histories],
                  f"2a, learning rate {rate:g}, epoch {epoch}")
        rows.append(
            [
                fmt(rate),
                summary([h[0] for h in histories]),
                summary([h[4] for h in histories]),
                summary([h[-1] for h in histories]),
                summary(highest),
            ]
        )
    header = ["learning rate", "loss, epoch 1", "loss, epoch 5", f"loss, epoch {EPOCHS}", "highest finite epoch loss"]
    return table(header, rows)


# ------------------------------------------------------------------------------------------ 3. dying ReLU

DEAD_RATES = [0.01, 0.1, 1.0, 3.0, 10.0]


def wine_relu_model(seed: int, bias: float) -> keras.Sequential:
    """13-64-64-3 relu from make_builder (Glorot-uniform kernels), the hidden biases set to `bias`."""
    model = make_builder(13, 3, (64, 64), "relu", seed)()
    for layer in model.layers[:-1]:
        layer.bias.assign(np.full(layer.bias.shape, bias, dtype="float32"))
    return model


def dead_counts(model: keras.Model, x: np.ndarray) -> list[float]:
    """Dead units per relu layer, by dead_neuron_mask; NaN when training left NaN weights."""
    if not all(np.isfinite(w).all() for w in model.get_weights()):
        return [float("nan")] * 2
    return [float(mask.sum()) for mask in REF.dead_neuron_mask(model, x).values()]


def dead_row(bias: float, state: str, counts: list[list[float]], losses: list[float] | None) -> list[str]:
    shares = [(a + b) / 128 for a, b in counts]
    return [
        fmt(bias),
        state,
        summary(shares),
        summary([a for a, _ in counts]),
        summary([b for _, b in counts]),
        summary(losses) if losses else "–",
    ]


def dying_relu(bias: float, rates: Sequence[float]) -> list[list[str]]:
    x, y = load_wine()
    counts = [dead_counts(wine_relu_model(seed, bias), x) for seed in SEEDS]
    rows = [dead_row(bias, "before training", counts, None)]
    for rate in rates:
        counts, losses = [], []
        for seed in SEEDS:
            model = REF.compile_with_sgd(wine_relu_model(seed, bias), rate)
            keras.utils.set_random_seed(seed)
            losses.append(model.fit(x, y, epochs=EPOCHS, verbose=0).history["loss"][-1])
            counts.append(dead_counts(model, x))
        rows.append(dead_row(bias, f"after SGD, lr={fmt(rate)}", counts, losses))
        where = f"3a, hidden biases {bias:g}, after SGD at {rate:g}"
        quote(f"dead_units_bias_{name_of(bias)}_rate_{name_of(rate)}", [a + b for a, b in counts], where)
        quote(f"dead_hidden_2_bias_{name_of(bias)}_rate_{name_of(rate)}", [b for _, b in counts], where)
        quote(f"loss_bias_{name_of(bias)}_rate_{name_of(rate)}", losses, where)
    return rows


def dying_relu_table() -> str:
    header = [
        "hidden bias at start",
        "state",
        "dead share (of 128)",
        "dead in hidden_1 (of 64)",
        "dead in hidden_2 (of 64)",
        f"loss, epoch {EPOCHS}",
    ]
    return table(header, dying_relu(0.0, DEAD_RATES) + dying_relu(-1.0, [0.1]))


# ------------------------------------------------------------------------------------------------ 4. time


def clock() -> np.ndarray:
    """(wall seconds, CPU seconds of all this process's threads)."""
    return np.array([time.perf_counter(), time.process_time()])


def fit_times(repeats: int = 3) -> str:
    """Wall and CPU time of fits; the wall time depends on what else the machine is running."""
    x, y = load_wine()
    fresh, again = [], []
    for seed in range(repeats):
        keras.utils.set_random_seed(seed)
        start = clock()
        model = REF.compile_with_sgd(make_builder(13, 3, (16,), "relu", seed)(), 0.1)
        model.fit(x, y, epochs=EPOCHS, verbose=0)
        middle = clock()
        model.fit(x, y, epochs=EPOCHS, verbose=0)
        fresh.append(middle - start)
        again.append(clock() - middle)
    labels = [
        ("build + compile + fit of a fresh 13-16-3 model (as compare_learning_rates does)", fresh),
        ("a second fit of the same, already traced, model", again),
    ]
    rows = [[label, summary([t[0] for t in times]), summary([t[1] for t in times])] for label, times in labels]
    header = [
        f"{EPOCHS} epochs of SGD on wine (178 rows, batch 32), median (min–max) of {repeats}",
        "wall seconds",
        "CPU seconds",
    ]
    return table(header, rows)


# -------------------------------------------------------------------------------------------------- main

INTRO = """\
Cells are `median (min–max)` over seeds 0–4 (a seed draws the weights and, for random data, the data).

**Ratio** is `layer_gradient_norms(...)[0] / layer_gradient_norms(...)[-1]`: the norm of the gradient of the
mean categorical cross-entropy with respect to the first hidden kernel, divided by that for the output kernel
(at depth 1: the only hidden layer vs the output layer). Ratio ≪ 1: the first layer gets far smaller updates
than the last (vanishing); ≫ 1: far larger (exploding). The norms here are taken in float64. **†k/5** marks
cells where the reference `layer_gradient_norms` (float32 `tf.norm`) returns exactly 0 for the first kernel in
k of the 5 seeds: its elements (≲1e-20) square to below float32's range, so a learner's ratio there is 0.
**0/0** counts seeds where both gradients are exactly 0 (everything underflowed).
"""


def section(title: str, body: Callable[[], str], timings: dict[str, float], note: str = "") -> None:
    start = time.perf_counter()
    text = body()
    timings[title] = time.perf_counter() - start
    print(f"{title}\n")
    if note:
        print(f"{note}\n")
    print(text)


def main() -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    timings: dict[str, float] = {}
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print("# Measurements for the optimization exercises\n")
    print(f"Command: `{COMMAND}`  ")
    print(f"Date: {now}  ")
    print(
        f"Keras {keras.__version__} ({keras.backend.backend()}), TensorFlow {tf.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU cores, "
        f"load average at start {os.getloadavg()[0]:.1f}\n"
    )
    print(INTRO)

    print("## 1. Gradient ratio, first / last kernel, vs depth\n")
    section(
        f"### 1a. Keras' default init (Glorot uniform, zero biases), {UNITS} units, 64 rows × 8"
        " random-normal features, 3 classes",
        ratios_glorot,
        timings,
    )
    small_note = (
        "Every kernel, the output's included, is drawn from the initialiser; biases are zero. "
        "‖∇W₁‖ is the first kernel's absolute gradient norm: with small weights *every* layer's "
        "gradient is tiny even where the ratio is about 1."
    )
    for letter, activation in zip("bcd", ["tanh", "sigmoid", "relu"], strict=True):
        section(
            f"### 1{letter}. {activation}: other kernel initialisations, same data",
            lambda a=activation: ratios_by_kernel_init(a),
            timings,
            small_note,
        )
    section(
        "### 1e. tanh with non-zero initial biases (random normal, hidden layers)",
        ratios_with_bias,
        timings,
        "Keras starts biases at zero; this shows what a bias does to tanh's ratio.",
    )
    section(f"### 1f. Wine data, Keras' default init, {UNITS} units", ratios_wine, timings)

    print("## 2. Learning rate: plain SGD on wine, 13-16-3 relu (`make_builder`), batch 32\n")
    section(
        f"### 2a. Training loss per epoch, {EPOCHS} epochs",
        learning_rates,
        timings,
        "Losses are the epoch means that `fit` reports (the `compare_learning_rates` history). " + loss_baselines(),
    )

    print("## 3. Dying ReLU: 13-64-64-3 relu on wine, plain SGD\n")
    section(
        f"### 3a. Dead units before and after {EPOCHS} epochs",
        dying_relu_table,
        timings,
        "A unit is dead when it outputs 0 on every one of the 178 rows (`dead_neuron_mask`). Counts are "
        "over the seeds whose weights stayed finite; NaN counts the seeds whose weights became NaN.",
    )

    print("## 4. Time\n")
    section("### 4a. One `model.fit`", fit_times, timings)

    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    parts = ", ".join(
        f"{title.split('.')[0].removeprefix('### ')}: {seconds:.0f} s" for title, seconds in timings.items()
    )
    print(f"Whole script: {total:.0f} s wall, {cpu:.0f} s CPU ({parts}).")
    write_quoted()


def measure_quoted() -> None:
    """Only what the exercise text quotes, measured as the report measures it (`--quoted`: a few minutes)."""
    ratios_glorot()
    for activation, name, _ in QUOTED_INITS:
        kernel_init, bias_init = KERNEL_INITS.get(name), None
        if kernel_init is None:  # a row of 1e: "<kernel init>, bias σ_b=<spread>"
            kernel_init, bias_init = glorot, normal(float(name.rsplit("=", 1)[1]))
        init_rows(activation, {name: (kernel_init, bias_init)})
    learning_rates((1e-4, 0.1, 1.0, 3.0))
    dying_relu(0.0, (0.01, 0.1, 1.0))
    dying_relu(-1.0, [0.1])
    write_quoted()


def write_quoted() -> None:
    """Writes the quoted quantities into benchmarks/measured.json."""
    # "at most 3 of 128 units die" under sensible rates: the most over the rates 0.01 to 1 and the seeds.
    sensible = [QUOTED[f"dead_units_bias_0_rate_{name_of(rate)}"] for rate in (0.01, 0.1, 1.0)]
    QUOTED["dead_units_bias_0_sensible_rates"] = {
        "median": statistics.median(entry["median"] for entry in sensible), "min": min(e["min"] for e in sensible),
        "max": max(e["max"] for e in sensible), "seeds": sensible[0]["seeds"],
        "source": "benchmarks/measurements.md, 3a, hidden biases 0, after SGD at 0.01, 0.1 and 1"}
    measured.record(QUOTED)


if __name__ == "__main__":
    measure_quoted() if sys.argv[1:] == ["--quoted"] else main()
