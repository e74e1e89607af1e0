"""Exercise 5: how the first-to-last kernel-gradient ratio changes with depth and activation."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import answers, pictures
from grader.core.case import Case, hidden_rng, random_classification
from grader.core.compare import close, fmt
from grader.core.feedback import Failure, Mismatch
from grader.exercises import first_batch, time_limit

NAME = "gradient_ratio_by_depth"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it: nothing else of the reference leaves the instructor's machine.
SHIPPED = {"answer": "the reference's ratios, which the learner's are compared with (and drawn beside)"}
# Time limit: the reference's job took 1.05 s of CPU time on the public cases and the hidden cases of
# seeds 0-2, the slowest correct variant's 1.04 s (of 4) (benchmarks/limits.py,
# 2026-12-03, on a 2-core machine shared with other work: CPU time, little changed by it).
SECONDS = time_limit(1.05)
# Its share of a grading: the reference's function took 0.28 s of CPU time on the public cases and seed 0's
# hidden cases, in one warm process (benchmarks/submission_cost.py, 2026-12-04, least of 3).
COST = 0.28

# Ratios of two norms, each accurate to ~3e-7 relative (see layer_gradient_norms.NORM_RTOL), so the
# ratio is too. Depths stop at 12: a 12-layer sigmoid ratio is ~1e-8, far above float32's underflow, so
# a float64 NumPy answer and the float32 reference agree there as well: the corpus' correct variants
# (10 seeds) stay within 5.8e-7 relative, the worst being float64 NumPy at depth 12; measured again with the
# 75-row case (benchmarks/tolerances.py `gradient_ratios`, every case of seeds 1-10): 3.4e-7, the worst
# being sum_loss_sqrt_squares at depth 12. 1e-3 is the same margin of over 1000x.
RATIO_RTOL = 1e-3
DEPTH_MENU = (1, 3, 4, 6, 8, 12)


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "inverted-ratio": "divided the last layer's norm by the first's instead of the first by the last",
    "ratio-differs": "divided other layers' norms (the second layer's, or a bias's), or measured after training",
    "one-model-per-activation": "built one model per activation and measured it at every depth, so every depth "
                                "got the same ratio",
    "missing-pairs": "left some activation and depth pairs out of the result",
    "example-depths": "measured the example's depths instead of the ones passed in",
    "nesting-order": "nested the result by depth then activation instead of activation then depth",
    "string-depth-keys": "keyed the depths by text instead of by the integers passed in",
    "first-batch-only": "took the gradients on the first batch of rows (x[:32]) instead of on all of the data",
}


def cases(seed: int) -> list[Case]:
    """Public: depths 2, 5 for sigmoid and relu. Hidden: other depths and activations in other orders, on more
    rows than a batch (an odd number)."""
    # Public cases are the same for every seed (their results ship in grader/expected). Hidden ones are
    # drawn from the seed's keyed streams, one per case (`hidden_rng`): no spec holds a number of the seed.
    public = _public(np.random.default_rng([0, 5]))
    rng = hidden_rng(seed, NAME, 0)
    depths = [int(d) for d in rng.choice(DEPTH_MENU, size=3, replace=False)]
    if depths == sorted(depths):
        depths.reverse()
    # Two of the three activations, in a drawn order: every network costs time (nine took 0.3 s), and
    # six still catch answers keyed or ordered by the examples' activations and depths.
    activations = [str(a) for a in rng.permutation(["tanh", "relu", "sigmoid"])[:2]]
    rows = 2 * first_batch.BATCH + 11  # more than a Keras batch: gradients on the first batch alone (x[:32]) differ
    mixed = _case(f"depths {depths}, activations {activations}, {rows} rows", False, rng, depths, activations,
                  int(rng.integers(1, 114)), rows)
    deep_rng = hidden_rng(seed, NAME, 1)
    deep = _case("one deep sigmoid network (12 layers)", False, deep_rng, [12], ["sigmoid"],
                 int(deep_rng.integers(2, 61)), 16)
    return [public, mixed, deep]


def _public(rng: np.random.Generator) -> Case:
    return _case("sigmoid and relu at depths 2 and 5", True, rng, [2, 5], ["sigmoid", "relu"], 0, 16)


def _case(title: str, public: bool, rng: np.random.Generator, depths: list[int], activations: list[str],
          model_seed: int, rows: int) -> Case:
    spec = {"depths": depths, "activations": activations, "n_features": 8, "n_classes": 3, "units": 16,
            "model_seed": model_seed}
    return Case(NAME, title, public, spec, random_classification(rng, rows, 8, 3))


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(build_model, x, y, depths, activations)`."""
    from grader.helpers import make_depth_builder

    spec = case.spec
    build_model = make_depth_builder(spec["n_features"], spec["n_classes"], spec["units"], spec["model_seed"])
    x, y = case.arrays["x"], case.arrays["y"]
    answer = function(build_model, x.copy(), y.copy(), list(spec["depths"]), list(spec["activations"]))
    result = {"answer": answers.encode(answer)}
    if first_batch.wanted(function, len(x)):
        result["first_batch"] = answers.encode(function(build_model, *first_batch.first_rows(x, y),
                                                        list(spec["depths"]), list(spec["activations"])))
    return result


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """{activation: {depth: ratio}} for every pair, each within RATIO_RTOL of the reference."""
    mine, reference = _ratios(got["answer"], case), _ratios(expected["answer"], case)
    _check_depths_differ(mine, reference, case)
    on_first = _ratios(expected["first_batch"], case) if "first_batch" in expected else None
    for pair, value in mine.items():
        if not close(value, reference[pair], RATIO_RTOL):
            activation, depth = pair
            if on_first and all(close(mine[p], on_first[p], RATIO_RTOL) for p in mine):
                raise first_batch.mismatch(f"ratio for {activation} at depth {depth}", fmt(reference[pair]),
                                           fmt(value), len(case.arrays["x"]), "these ratios come from", " per model")
            raise Mismatch(f"ratio for {activation} at depth {depth}", fmt(reference[pair]), fmt(value),
                           *_ratio_hint(value, reference[pair]))


def _ratios(answer: Any, case: Case) -> dict[tuple[str, int], float]:
    hint = "return {activation: {depth: first-layer norm / last-layer norm}}"
    activations, depths = case.spec["activations"], case.spec["depths"]
    outer = answers.as_items(answer, "gradient_ratio_by_depth's result", hint)
    if sorted(str(k) for k, _ in outer) != sorted(activations) or not all(isinstance(k, str) for k, _ in outer):
        raise Mismatch("activations in the result", sorted(activations), [answers.kind(k) for k, _ in outer],
                       ("key the outer dict by the activation names you were given",
                        "the answer nests two dicts: first by activation, then by depth",
                        "result[activation][depth] = ratio: loop over activations outside, depths inside"),
                       mistake="nesting-order")
    ratios = {}
    for activation, inner in outer:
        for key, value in answers.as_items(inner, f"the entry for {activation}", hint):
            depth = answers.as_key_number(key)
            if depth is None:
                raise Mismatch(f"depths for {activation}", depths, answers.kind(key),
                               ("key each inner dict by the depth (an int) you were given",
                                "str(depth) or an f-string makes a text key; the caller looks ratios up by "
                                "the int it passed",
                                "use the loop variable as it is: `inner[depth] = ...`"),
                               mistake="string-depth-keys")
            if depth not in depths:  # a depth of the examples, written into the code
                raise Mismatch(f"depths for {activation}", depths, answers.kind(key),
                               ("use the depths argument: the hidden cases use other depths than the "
                                "examples",
                                "look for depths like 2 or 5 written in your function: they should come from "
                                "the arguments",
                                "loop `for depth in depths:` inside `for activation in activations:`"),
                               mistake="example-depths")
            what = f"the ratio for {activation}, depth {depth:g}"
            ratios[(activation, int(depth))] = answers.as_number(value, what, hint)
    missing = [(a, d) for a in activations for d in depths if (a, d) not in ratios]
    if missing:
        raise Mismatch("pairs in the result", "every activation at every depth", f"missing {missing}", hint,
                       mistake="missing-pairs")
    return ratios


def _check_depths_differ(mine: dict[tuple[str, int], float], reference: dict[tuple[str, int], float],
                         case: Case) -> None:
    """One ratio repeated at every depth means one model measured for all of them."""
    depths = case.spec["depths"]
    if len(depths) < 2:
        return
    for activation in case.spec["activations"]:
        values = [mine[(activation, d)] for d in depths]
        expected = [reference[(activation, d)] for d in depths]
        repeated = np.all(np.isfinite(values)) and close(values, np.full(len(values), values[0]), 1e-9)
        if repeated and not close(values, expected, RATIO_RTOL):
            raise Mismatch(f"ratios for {activation} at depths {depths}", fmt(expected), fmt(values),
                           ("the same ratio at every depth: build a fresh model with build_model(depth, "
                            "activation) for each depth",
                            "a model's depth is fixed when it is built: measuring one model several times "
                            "gives one depth's ratio",
                            "call build_model(depth, activation) inside the inner loop, once per pair"),
                           mistake="one-model-per-activation")


def _ratio_hint(value: float, expected: float) -> tuple[tuple[str, ...], str]:
    """The hints and mistake id for a ratio that differs from the reference's."""
    if expected and close(value, 1 / expected, RATIO_RTOL):
        return (("that is last over first: the ratio is the first Dense layer's norm over the last one's",
                 "a vanishing gradient makes the first layer's norm small, so the ratio should shrink with "
                 "depth for sigmoid",
                 "norms[0] / norms[-1], with norms listed input side first"), "inverted-ratio")
    return (("build a fresh model with build_model(depth, activation), take the kernel-gradient norms as in "
             "layer_gradient_norms (kernels only, not the biases: model.trainable_weights[-1] is the output "
             "layer's bias), and divide the first (input side) by the last (the softmax layer)",
             "check which two numbers you divide: the very first Dense layer's kernel gradient and the very "
             "last one's, measured on the fresh, untrained model",
             "reuse your layer_gradient_norms(model, x, y) on each fresh model and take norms[0] / norms[-1]"),
            "ratio-differs")


def plot(figure, case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """First/last gradient ratio against depth for each activation, log scale, yours over the reference."""
    axes = figure.subplots()
    reference = _ratios(expected["answer"], case)
    try:
        mine = _ratios(got["answer"], case)
    except Failure:
        mine = {}
    depths = sorted(case.spec["depths"])
    for index, activation in enumerate(case.spec["activations"]):
        color = f"C{index}"
        pictures.reference_line(axes, depths, [reference[(activation, d)] for d in depths], color,
                                f"reference, {activation}", "o")
        if mine:
            pictures.learner_line(axes, depths, [mine[(activation, d)] for d in depths], color, f"yours, {activation}",
                                  "s")
    axes.set(xlabel="hidden layers", ylabel="first / last kernel-gradient norm", yscale="log", title=case.title)
    axes.set_xticks(depths)
    pictures.legend(axes)
