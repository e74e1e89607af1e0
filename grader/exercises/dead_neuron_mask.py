"""Exercise 3: find the ReLU units that output 0 for every row."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import answers
from grader.core.case import Case, hidden_rng, layer_names, weight_arrays, weights_of
from grader.core.feedback import Failure, Mismatch
from grader.exercises import time_limit

NAME = "dead_neuron_mask"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it: nothing else of the reference leaves the instructor's machine.
SHIPPED = {"answer": "the reference's masks, which the learner's are compared with (and drawn beside)"}
# Time limit: the reference's job took 0.48 s of CPU time on the public cases and the hidden cases of
# seeds 0-2, the slowest correct variant's 1.23 s (feature_extractor, of 7) (benchmarks/limits.py,
# 2026-12-03, on a 2-core machine shared with other work: CPU time, little changed by it).
SECONDS = time_limit(0.48)
# Its share of a grading: the reference's function took 0.11 s of CPU time on the public cases and seed 0's
# hidden cases, in one warm process (benchmarks/submission_cost.py, 2026-12-04, least of 3).
COST = 0.11

# Masks are compared exactly. No tolerance is needed because every case is built so that each ReLU
# unit's largest pre-activation over the rows is at least MARGIN away from 0 (float32 forward passes,
# in Keras or NumPy, differ by ~1e-6), so no correct forward pass can flip a unit.
MARGIN = 0.05
# One unit per hidden case "a unit alive on a single row" is faint: it fires on one row only, by FAINT,
# so every rule but "0 on every row" marks it dead (a threshold on its mean, median or largest output,
# down to 1e-3 on the largest and 1e-4 on the mean). Its kernel column is rounded to float32 before its
# bias is set, so float32 forward passes give FAINT within 4e-7 (measured: benchmarks/tolerances.py,
# 20 seeds, Keras and NumPy float32 alike), 2500x less than FAINT; its other rows are 2 * MARGIN below.
FAINT = 1e-3


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "inverted-mask": "marked the live units True instead of the dead ones",
    "alive-on-one-row": "counted a unit dead when it is zero on most rows or on average: a unit positive on a "
                        "single row is alive",
    "dead-if-zero-somewhere": "counted a unit dead when it is zero on some row (np.any, or the first row) instead "
                              "of on every row",
    "before-activation": "tested the pre-activation (x @ kernel + bias) instead of the ReLU's output",
    "forward-pass": "gave each layer x instead of the previous layer's output, so the later layers' masks are "
                    "wrong",
    "threshold-not-zero": "called a unit dead below a small positive threshold instead of at exactly 0",
    "changed-weights": "changed the model's weights while measuring it",
    "keyed-by-index": "keyed the masks by position instead of by layer.name",
    "non-relu-layers": "gave masks for layers that are not ReLU (the softmax output, tanh layers)",
    "missing-layers": "left out ReLU layers (often all but the first, or the last hidden one)",
    "not-a-mask": "returned counts or indices of dead units instead of one boolean per unit",
    "reduced-over-units": "reduced over the units instead of the rows: one value per row instead of per unit",
    "hard-coded-answer": "returned the example's answer, written in, instead of measuring the model",
}


def cases(seed: int) -> list[Case]:
    """Public: one ReLU layer with dead units. Hidden: a unit alive on one row, stacked layers, one row."""
    # Public cases are the same for every seed (their results ship in grader/expected). Hidden ones are
    # drawn from the seed's keyed streams, one per case (`hidden_rng`): no spec holds a number of the seed.
    return [
        _public(np.random.default_rng([0, 3])),
        _case("a unit alive on a single row, and one that fires faintly on one row", False,
              hidden_rng(seed, NAME, 0), 5, 12, [(8, "relu"), (3, "softmax")], dead={0: 2}, single_row={0: 1},
              faint={0: 1}),
        _case("ReLU layers stacked around a tanh layer", False, hidden_rng(seed, NAME, 1), 6, 9,
              [(10, "relu"), (6, "tanh"), (8, "relu"), (4, "softmax")], dead={0: 3, 2: 2}, single_row={2: 1}),
        _case("a single row of data and a layer where every unit is dead", False, hidden_rng(seed, NAME, 2), 3, 1,
              [(5, "relu"), (4, "relu"), (3, "softmax")], dead={0: 0, 1: 4}),
    ]


def _public(rng: np.random.Generator) -> Case:
    return _case("one ReLU layer with two dead units", True, rng, 4, 10, [(6, "relu"), (3, "softmax")], dead={0: 2})


def _case(title: str, public: bool, rng: np.random.Generator, features: int, rows: int,
          layers: list[tuple[int, str]], dead: dict[int, int], single_row: dict[int, int] | None = None,
          faint: dict[int, int] | None = None) -> Case:
    x = rng.normal(size=(rows, features)).astype("float32")
    weights, single_units, faint_units = _engineer(rng, x, layers, dead, single_row or {}, faint or {})
    spec = {"layers": [list(layer) for layer in layers], "n_features": features,
            "single_row_units": single_units}
    if faint_units:
        spec["faint_units"] = faint_units
    return Case(NAME, title, public, spec, {"x": x, **weight_arrays(weights)})


def _engineer(rng: np.random.Generator, x: np.ndarray, layers: list[tuple[int, str]],
              dead: dict[int, int], single_row: dict[int, int], faint: dict[int, int]
              ) -> tuple[list[np.ndarray], dict, dict]:
    """Random weights whose biases make `dead[i]` units of layer i dead, `single_row[i]` units alive on
    exactly one row and `faint[i]` units FAINT on one row, every other ReLU unit's peak pre-activation at
    least MARGIN from 0."""
    weights, single_units, faint_units, inputs = [], {}, {}, x.astype("float64")
    names = layer_names(len(layers))
    for index, (units, activation) in enumerate(layers):
        kernel = rng.normal(size=(inputs.shape[1], units)) / np.sqrt(inputs.shape[1])
        bias = rng.normal(scale=0.1, size=units)
        if activation == "relu":
            single_units[names[index]], faint_units[names[index]] = _place_units(
                rng, inputs, kernel, bias, dead.get(index, 0), single_row.get(index, 0), faint.get(index, 0))
        kernel, bias = kernel.astype("float32"), bias.astype("float32")
        pre = inputs @ kernel.astype("float64") + bias.astype("float64")
        inputs = {"relu": np.maximum(pre, 0), "tanh": np.tanh(pre)}.get(activation, pre)
        weights += [kernel, bias]
    return weights, single_units, {name: units for name, units in faint_units.items() if units}


def _place_units(rng: np.random.Generator, inputs: np.ndarray, kernel: np.ndarray, bias: np.ndarray,
                 n_dead: int, n_single: int, n_faint: int = 0) -> tuple[list[int], list[int]]:
    """Sets biases (and, for single-row and faint units, scales kernel columns) in place; returns those units."""
    order = [int(j) for j in rng.permutation(kernel.shape[1])]
    single = order[:n_single]
    faint = order[len(order) - n_faint:]
    for j in faint:
        top, second = np.sort(inputs @ kernel[:, j])[::-1][:2]
        kernel[:, j] *= 2 * MARGIN / max(top - second, 1e-3)  # the other rows 2 * MARGIN below the top one
        kernel[:, j] = kernel[:, j].astype("float32")  # as the model will hold it
        bias[j] = -np.max(inputs @ kernel[:, j]) + FAINT
    for j in single:
        top, second = np.sort(inputs @ kernel[:, j])[::-1][:2]
        # Stretch the column so one row stands clear of the rest: the unit outputs half the gap there, at
        # least 4 * MARGIN, so a threshold on the mean (0.01, rows <= 12) leaves it alive and only the faint
        # unit names that mistake, whatever the draw.
        if top - second < 8 * MARGIN:
            kernel[:, j] *= 8 * MARGIN / max(top - second, 1e-3)
            top, second = np.sort(inputs @ kernel[:, j])[::-1][:2]
        bias[j] = -(top + second) / 2
    for j in order[n_single:n_single + n_dead]:
        bias[j] = -(inputs @ kernel[:, j]).max() - rng.uniform(2, 5) * MARGIN
    for j in order[n_single + n_dead:len(order) - n_faint]:
        if abs((inputs @ kernel[:, j]).max() + bias[j]) < MARGIN:
            bias[j] += 2 * MARGIN
    return single, faint


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(model, x)` on a model with engineered biases."""
    from grader.helpers import dense_model

    model = dense_model(case.spec["n_features"], case.spec["layers"], weights=weights_of(case))
    before = [w.copy() for w in model.get_weights()]
    answer = function(model, case.arrays["x"].copy())
    changed = any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    return {"answer": answers.encode(answer), "weights_changed": changed}


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """A boolean mask for exactly the ReLU layers, equal to the reference's, unit by unit."""
    layers = case.spec["layers"]
    relu_layers = {name: units for name, (units, activation) in zip(layer_names(len(layers)), layers)
                   if activation == "relu"}
    masks = _masks(got["answer"], relu_layers, len(case.arrays["x"]))
    reference = {name: np.asarray(mask).astype(bool) for name, mask in answers.as_items(expected["answer"], "")}
    first = layer_names(len(layers))[0]
    for name in relu_layers:  # input side first: a mistake early on spoils the layers after it
        mask = masks[name]
        wrong = np.flatnonzero(mask != reference[name])
        faint = [j for j in case.spec.get("faint_units", {}).get(name, []) if mask[j]]
        single = case.spec["single_row_units"].get(name, [])
        if faint and not any(mask[j] for j in single):
            raise Mismatch(f"dead units of layer {name}", _dead_list(reference[name]), _dead_list(mask),
                           (f"unit {faint[0]} outputs {FAINT:g} on one row and 0 on the others: small, but not "
                            "0, so it is alive. A unit is dead only if it outputs 0 on every row: no threshold on "
                            "its mean, median or largest output, just np.all(outputs == 0, axis=0)",
                            "ReLU outputs exactly 0 for every negative input, so a dead unit's outputs are exact "
                            "zeros: no tolerance is needed, and any tolerance calls faint units dead",
                            "compare with 0 itself: np.all(outputs == 0, axis=0) on the ReLU layer's outputs"),
                           mistake="threshold-not-zero")
        if wrong.size:
            raise Mismatch(f"dead units of layer {name}", _dead_list(reference[name]), _dead_list(mask),
                           *_mask_hint(mask, reference[name], case.spec["single_row_units"].get(name, []),
                                       name == first))
    if got["weights_changed"]:
        raise Failure("dead_neuron_mask changed the model's weights", "only run the data through the layers",
                      mistake="changed-weights")


def _masks(answer: Any, relu_layers: dict[str, int], rows: int) -> dict[str, np.ndarray]:
    hint = "return {layer.name: mask} for each Dense layer whose activation is ReLU"
    masks = {}
    for key, value in answers.as_items(answer, "dead_neuron_mask's result", hint):
        if not isinstance(key, str):
            raise Mismatch("keys of the result", "layer names (strings)", answers.kind(key),
                           (hint, "the caller looks masks up by layer name, as in model.get_layer(name): an "
                            "index or position does not find them",
                            "key each mask by `layer.name` while you loop over model.layers"),
                           mistake="keyed-by-index")
        if key not in relu_layers:
            raise Mismatch("layers in the result", sorted(relu_layers), f"also {key!r}",
                           ("only ReLU layers belong in the dict: other activations (tanh, softmax) "
                            "do not output exactly 0 for a whole unit, so they cannot die this way",
                            "each Dense layer knows its activation: compare layer.activation with "
                            "keras.activations.relu",
                            "inside the loop, add a mask only `if layer.activation is keras.activations.relu`; "
                            "still run every layer so the next one gets its input"),
                           mistake="non-relu-layers")
        masks[key] = _as_mask(value, key, relu_layers[key], rows)
    missing = sorted(set(relu_layers) - set(masks))
    if missing:
        raise Mismatch("layers in the result", sorted(relu_layers), sorted(masks),
                       "give a mask for every ReLU layer, found by name via layer.name", mistake="missing-layers")
    return masks


def _as_mask(value: Any, name: str, units: int, rows: int) -> np.ndarray:
    hint = "one boolean per unit: np.all(outputs == 0, axis=0) over the rows"
    if isinstance(value, dict) and "list" in value:  # a list of bools (mask.tolist()) or of 0/1
        array = np.array([float(v) if isinstance(v, bool) else
                          answers.as_number(v, f"each entry of the mask of {name}", hint) for v in value["list"]])
    elif isinstance(value, np.ndarray):
        array = value
    else:
        raise Mismatch(f"mask of layer {name}", f"{units} booleans", answers.kind(value),
                       (hint, "the question per unit is yes or no (dead or alive), not how many rows or units",
                        "compare the outputs with 0 and ask whether that holds on all rows: a boolean array "
                        "with one entry per unit"), mistake="not-a-mask")
    if array.shape != (units,):
        raise Mismatch(f"shape of the mask of layer {name}", (units,), array.shape,
                       *((("one entry per unit: reduce over the rows (axis=0), not over the units",
                           "outputs have one row per example and one column per unit: the mask answers a "
                           "question about each column",
                           "np.all(outputs == 0, axis=0): axis 0 runs down the rows"), "reduced-over-units")
                         if array.shape == (rows,) else
                         ((f"one entry per unit, and {name} has {units} here: compute the mask from the model "
                           "and x you are given",
                           "the hidden cases have other layers, widths and data than the example: an answer "
                           "written out by hand fits only the example",
                           "loop over model.layers, run x through each, and build each mask from the outputs"),
                          "hard-coded-answer")))
    if not np.all((array == 0) | (array == 1)):
        raise Mismatch(f"values of the mask of layer {name}", "True/False", array.tolist(), hint,
                       mistake="not-a-mask")
    return array.astype(bool)


def _dead_list(mask: np.ndarray) -> str:
    dead = np.flatnonzero(mask).tolist()
    return f"units {dead} dead" if dead else "no dead unit"


def _mask_hint(mask: np.ndarray, reference: np.ndarray, single_row: list[int], first: bool
               ) -> tuple[tuple[str, ...], str]:
    """The hints and mistake id for a mask that differs from the reference's."""
    if np.array_equal(mask, ~reference):
        return (("True marks a dead unit (0 on every row), not a live one",
                 "the mask answers 'is this unit dead?': True for the units that never fire",
                 "negate your condition: == 0 rather than > 0, or all(...) of the zeros"), "inverted-mask")
    if any(mask[j] and not reference[j] for j in single_row):
        return (("a unit that is positive on a single row is alive: a unit is dead only if it outputs 0 "
                 "on every row (np.all(outputs == 0, axis=0)), not on average or on most rows",
                 "a unit that fires on even one example still passes a gradient back for it: it can learn, "
                 "so it is not dead",
                 "the test per unit is 'zero on all rows': np.all(outputs == 0, axis=0), no mean, no "
                 "threshold, no single row"), "alive-on-one-row")
    # The first layer reads x itself, so no forward-pass mistake can explain a wrong mask there: the
    # reduction over the rows is wrong.
    alive_marked = np.flatnonzero(mask & ~reference).tolist()
    if first and alive_marked:
        return ((f"units {alive_marked} are positive on some rows, so they are alive: a unit is dead only if "
                 "it outputs 0 on every row (np.all(outputs == 0, axis=0)), not on any row, most rows or the "
                 "first",
                 "np.any asks 'zero on some row', which almost every ReLU unit is; dead needs zero on every "
                 "row",
                 "swap np.any for np.all, or a look at one row for a reduction over all of them (axis=0)"),
                "dead-if-zero-somewhere")
    if first:
        return (("a dead ReLU unit outputs exactly 0 on every row (ReLU never outputs a negative number): "
                 "mark the units where np.all(outputs == 0, axis=0), after the activation",
                 "x @ kernel + bias is the pre-activation: it can be negative; ReLU's output cannot",
                 "take the layer's output, layer(x), which includes the ReLU, and test it == 0 (not <= 0 "
                 "on the pre-activation)"), "before-activation")
    return (("run x through the layers in order, each layer taking the previous layer's output, and mark "
             "the units whose output is 0 on every row",
             "the first layer was right, so look at what the later ones get: the output of the layer before, "
             "after its activation",
             "out = x; for each layer: out = layer(out), then, for a ReLU layer, mask = np.all(out == 0, "
             "axis=0)"), "forward-pass")


def plot(figure, case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Each ReLU layer's units, dead (dark) or alive (light), yours above the reference; X marks a difference."""
    reference = {name: np.asarray(mask).astype(bool) for name, mask in answers.as_items(expected["answer"], "")}
    try:
        mine = {name: np.asarray(mask).astype(bool) for name, mask in answers.as_items(got["answer"], "")
                if name in reference and np.shape(mask) == reference[name].shape}
    except Failure:
        mine = {}
    axes = figure.subplots(len(reference), 1, squeeze=False)[:, 0]
    for row, (name, mask) in zip(axes, reference.items()):
        grid = np.vstack([mine.get(name, np.full(mask.shape, np.nan)), mask]).astype(float)
        row.imshow(grid, cmap="Greys", vmin=-0.3, vmax=1.2, aspect="auto")
        if name in mine:
            for unit in np.flatnonzero(mine[name] != mask):
                row.text(unit, 0, "X", color="red", ha="center", va="center", fontweight="bold")
        row.set_yticks([0, 1], ["yours", "reference"])
        row.set_xticks(range(mask.size))
        row.set_title(f"{name}: dark = dead unit")
    axes[-1].set_xlabel("unit")
