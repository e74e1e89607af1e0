"""Exercise 4: the norm of the loss gradient with respect to each Dense layer's kernel."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import answers, pictures
from grader.core.case import Case, hidden_rng, random_classification, weight_arrays, weights_of
from grader.core.compare import close, fmt
from grader.core.feedback import Failure, Mismatch
from grader.exercises import first_batch, time_limit

NAME = "layer_gradient_norms"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it: nothing else of the reference leaves the instructor's machine.
SHIPPED = {"answer": "the reference's norms, which the learner's are compared with (and drawn beside)"}
# Time limit: the reference's job took 0.53 s of CPU time on the public cases and the hidden cases of
# seeds 0-2, the slowest correct variant's 0.51 s (of 6) (benchmarks/limits.py,
# 2026-12-03, on a 2-core machine shared with other work: CPU time, little changed by it).
SECONDS = time_limit(0.53)
# Its share of a grading: the reference's function took 0.13 s of CPU time on the public cases and seed 0's
# hidden cases, in one warm process (benchmarks/submission_cost.py, 2026-12-04, least of 3).
COST = 0.13

# Norms are compared relatively. The reference computes in float32 with TensorFlow; a correct answer
# may use NumPy in float64, a loss object or function, tf.norm or np.linalg.norm. Those differ only in
# rounding: the corpus' correct variants (grader/corpus/layer_gradient_norms, 10 seeds) stay within
# 2.7e-7 relative, the worst being hand-written float64 backpropagation through the six-layer sigmoid
# case. 1e-3 leaves over 1000x room; the usual mistakes (sum instead of mean: x rows; mean over the
# classes too: / classes; biases included; another loss) are off by 10% or far more.
NORM_RTOL = 1e-3


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "changed-weights": "took a training step (fit, train_on_batch, apply_gradients) while measuring, so the "
                       "weights moved",
    "includes-biases": "returned norms for the biases too: one norm per kernel is asked",
    "wrong-count": "returned another number of norms than there are Dense layers",
    "reversed-order": "listed the layers from the output back instead of input side first",
    "sum-reduction": "summed the loss over the rows instead of averaging it, so the norms grow with the rows",
    "mean-over-classes": "averaged the loss over the classes as well as the rows, so the norms shrink with the "
                         "classes",
    "squared-norm": "returned squared norms (sums of squares) without the square root",
    "scaled-norms": "norms off by one common factor: the loss's reduction or the norm is not the one asked",
    "first-batch-only": "took the gradient on the first batch of rows (x[:32]) instead of on all of the data",
    "norms-differ": "differentiated another loss (mean squared error) or other variables than the kernels",
}


def cases(seed: int) -> list[Case]:
    """Public: a small ReLU net at initialisation. Hidden: deep sigmoid, trained-looking weights on more rows
    than a batch (an odd number)."""
    # Public cases are the same for every seed (their results ship in grader/expected). Hidden ones are
    # drawn from the seed's keyed streams, one per case (`hidden_rng`): no spec holds a number of the seed.
    six = hidden_rng(seed, NAME, 0)
    return [
        _public(np.random.default_rng([0, 4])),
        _case("a six-layer sigmoid network", False, six, 8, 16, [(12, "sigmoid")] * 5 + [(3, "softmax")],
              int(six.integers(10, 81))),
        _case("weights away from initialisation, non-zero biases", False, hidden_rng(seed, NAME, 1), 5,
              2 * first_batch.BATCH + 11, [(9, "tanh"), (6, "relu"), (4, "softmax")], None),
    ]


def _public(rng: np.random.Generator) -> Case:
    return _case("a ReLU network at initialisation", True, rng, 4, 20, [(16, "relu"), (8, "relu"), (3, "softmax")], 1)


def _case(title: str, public: bool, rng: np.random.Generator, features: int, rows: int,
          layers: list[tuple[int, str]], model_seed: int | None) -> Case:
    arrays = random_classification(rng, rows, features, layers[-1][0])
    if model_seed is None:
        widths = [features] + [units for units, _ in layers]
        weights = []
        for fan_in, fan_out in zip(widths, widths[1:]):
            weights += [rng.normal(scale=0.8 / np.sqrt(fan_in), size=(fan_in, fan_out)),
                        rng.normal(scale=0.3, size=fan_out)]
        arrays.update(weight_arrays(weights))
    spec = {"layers": [list(layer) for layer in layers], "n_features": features, "model_seed": model_seed or 0}
    return Case(NAME, title, public, spec, arrays)


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(model, x, y)`; reports the norms and whether the weights moved."""
    from grader.helpers import dense_model

    model = dense_model(case.spec["n_features"], case.spec["layers"], seed=case.spec["model_seed"],
                        weights=weights_of(case))
    before = [w.copy() for w in model.get_weights()]
    answer = function(model, case.arrays["x"].copy(), case.arrays["y"].copy())
    changed = any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    result = {"answer": answers.encode(answer), "weights_changed": changed}
    if first_batch.wanted(function, len(case.arrays["x"])):
        model.set_weights(before)
        result["first_batch"] = answers.encode(function(model, *first_batch.first_rows(case.arrays["x"],
                                                                                         case.arrays["y"])))
    return result


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """One norm per Dense kernel, input side first, each within NORM_RTOL; weights untouched."""
    if got["weights_changed"]:
        raise Failure("layer_gradient_norms changed the model's weights",
                      ("compute gradients with tf.GradientTape and only measure them: no fit, "
                       "train_on_batch or optimizer.apply_gradients",
                       "measuring a gradient does not need a step: once the weights move, the next call "
                       "measures another model",
                       "tape.gradient(loss, kernels) gives the gradients; take their norms and stop there"),
                      mistake="changed-weights")
    hint = "return [norm of dLoss/dKernel for each Dense layer], input side first"
    norms = answers.as_vector(got["answer"], "layer_gradient_norms' result", hint)
    reference = answers.as_vector(expected["answer"], "reference")
    layers = len(case.spec["layers"])
    if norms.size != layers:
        extra = " (one per kernel: leave the biases out)" if norms.size == 2 * layers else ""
        raise Mismatch("number of norms", f"{layers}, one per Dense layer", f"{norms.size}{extra}",
                       *(((hint, "model.trainable_weights holds a kernel and a bias per layer: keep the kernels",
                           "[layer.kernel for layer in model.layers], one norm each"), "includes-biases") if extra
                         else ((hint, "count the model's Dense layers: the hidden cases have more of them than "
                                "the example", "loop over model.layers and append one norm per layer"),
                               "wrong-count")))
    if not close(norms, reference, NORM_RTOL):
        on_first = answers.as_vector(expected["first_batch"], "reference") if "first_batch" in expected else None
        if on_first is not None and close(norms, on_first, NORM_RTOL):
            raise first_batch.mismatch("kernel-gradient norms", fmt(reference), fmt(norms), len(case.arrays["x"]),
                                       "these are the norms on")
        raise Mismatch("kernel-gradient norms", fmt(reference), fmt(norms),
                       *norm_hint(norms, reference, len(case.arrays["x"]), case.arrays["y"].shape[1]))


def norm_hint(norms: np.ndarray, reference: np.ndarray, rows: int, classes: int) -> tuple[tuple[str, ...], str]:
    """The likely mistake behind norms that differ from the reference's: its hints and its id."""
    with np.errstate(all="ignore"):
        ratio = norms / reference
    if close(norms[::-1], reference, NORM_RTOL):
        return (("the norms are in reverse order: list the layers from the input side to the output",
                 "backpropagation runs from the output back, but the answer lists layers as model.layers "
                 "does", "do not reverse the list (no [::-1], no reversed, no insert(0, ...))"),
                "reversed-order")
    if close(ratio, np.full_like(ratio, rows), 1e-2):
        return ((f"your norms are {rows}x too large (the number of rows): the loss is the mean "
                 "categorical cross-entropy over rows, not the sum",
                 "a loss summed over the rows grows with the batch, and so does its gradient",
                 "keras.losses.CategoricalCrossentropy() with its default reduction averages over the rows"),
                "sum-reduction")
    if close(ratio, np.full_like(ratio, 1 / classes), 1e-2):
        return ((f"your norms are {classes}x too small (the number of classes): your loss is also averaged "
                 "over the classes; sum -y * log(p) over the classes, then average over the rows",
                 "a mean over every entry of y * log(p) divides by the classes as well as the rows",
                 "per row, sum over the classes (axis=1); then take the mean of those row losses"),
                "mean-over-classes")
    if close(norms, reference**2, NORM_RTOL):
        return (("these are squared norms (sums of squares): take the square root, as tf.norm does",
                 "the L2 norm is the square root of the sum of squares",
                 "tf.norm(gradient), or tf.sqrt(tf.reduce_sum(gradient ** 2))"), "squared-norm")
    if close(ratio, np.full_like(ratio, ratio[0]), 1e-2):
        return (("every norm is off by the same factor: check the loss's reduction and the norm (L2, not "
                 "squared)",), "scaled-norms")
    return (("take the gradient of keras.losses.CategoricalCrossentropy()(y, model(x)) with respect to each "
             "layer's kernel (layer.kernel), then its L2 norm",
             "check the two things you differentiate: the loss (categorical cross-entropy on one-hot y, "
             "not mean squared error) and the variables (the kernels, not the biases)",
             "inside a GradientTape, loss = CategoricalCrossentropy()(y, model(x)); then "
             "tape.gradient(loss, [layer.kernel for layer in model.layers])"), "norms-differ")


def plot(figure, case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Kernel-gradient norm by layer, log scale: the learner's beside the reference's."""
    axes = figure.subplots()
    reference = answers.as_vector(expected["answer"], "reference")
    layers = np.arange(1, reference.size + 1)
    pictures.reference_line(axes, layers, reference, "C0", "reference", "o")
    try:
        mine = answers.as_vector(got["answer"], "yours")
        pictures.learner_line(axes, np.arange(1, mine.size + 1), mine, "C1", "yours", "s")
    except Failure:
        pass
    axes.set(xlabel="Dense layer (input side first)", ylabel="kernel-gradient norm", yscale="log", title=case.title)
    axes.set_xticks(layers)
    pictures.legend(axes)
