"""Exercise 1: compile a model with plain SGD at a given learning rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.core import answers
from grader.core.case import Case, hidden_rng, random_classification
from grader.core.compare import relative_error
from grader.core.feedback import Failure, Mismatch
from grader.exercises import time_limit

NAME = "compile_with_sgd"
POINTS = 2.0
# What of a public case's reference result ships (grader/expected/, the learner bundle), each field with
# why `check` needs it: nothing else of the reference leaves the instructor's machine.
SHIPPED = {"learning_rate": "the rate the reference's optimizer holds (float32), which the learner's must match",
           "probe_loss": "the reference model's loss on the probe batch, which names a wrong loss",
           "weights": "the weights after the reference's training steps, which name an SGD with extras (decay, "
                      "clipping)"}
# Time limit: the reference's job took 0.79 s of CPU time on the public cases and the hidden cases of
# seeds 0-2, the slowest correct variant's 0.99 s (loss_object_with_accuracy, of 5 correct variants)
# (benchmarks/limits.py, 2026-12-03, on a 2-core machine shared with other work: CPU time, little changed by it).
SECONDS = time_limit(0.79)
# Its share of a grading: the reference's function took 0.25 s of CPU time on the public cases and seed 0's
# hidden cases, in one warm process (benchmarks/submission_cost.py, 2026-12-04, least of 3).
COST = 0.25
TRAIN_STEPS = 3  # momentum first shows on the second step; three leave no doubt

# The learning rate is stored as a float32 variable: 2**-24 relative rounding, so 1e-6 is exact enough
# and still tells 0.01 from 0.0101.
LEARNING_RATE_RTOL = 1e-6
# The learner's compiled loss and the reference's run the same Keras code on the same float32 inputs;
# what differs (string vs loss object vs function) changes no arithmetic. 1e-5 allows reordering.
PROBE_LOSS_RTOL = 1e-5
# Three SGD steps from identical weights on identical data: differences are float32 rounding (~1e-7).
# A wrong optimizer, rate or momentum moves weights by ~lr * gradient, i.e. >= 1e-3 here.
WEIGHTS_RTOL, WEIGHTS_FLOOR = 1e-4, 1e-2

HINT_LOSS = ("compile with loss='categorical_crossentropy': labels are one-hot and the output layer "
             "already applies softmax (from_logits=False)")


# Each mistake as a class reads it on the summary page (grader.output.summary), beside how many made it; a
# learner's own page shows their own diagnosis and hints instead.
MISTAKES = {
    "wrong-optimizer": "compiled with another optimizer than plain keras.optimizers.SGD (Adam, RMSprop): the "
                       "chapter's learning rates are SGD's",
    "momentum": "SGD with momentum (or Nesterov): the exercise asks for plain SGD, whose step is the learning "
                "rate times the gradient",
    "optimizer-extras": "SGD with an extra setting (weight decay, clipping): it changes the steps plain SGD takes",
    "wrong-learning-rate": "the learning rate passed in did not reach the optimizer (a fixed number instead)",
    "wrong-loss": "another loss than categorical cross-entropy (mean squared error, or from_logits on a softmax "
                  "output)",
    "sparse-loss": "sparse categorical cross-entropy, which expects integer labels: these labels are one-hot",
    "not-compiled": "the model came back uncompiled: no model.compile call reached it",
    "different-model": "compiled and returned another model than the one passed in (a clone or a new one)",
    "returns-compile-result": "returned what model.compile returns (None) instead of the model",
}


def cases(seed: int) -> list[Case]:
    """Two public learning rates, then hidden ones drawn from `seed` (never the public values)."""
    # Public cases are the same for every seed (their results ship in grader/expected). Hidden ones are
    # drawn from the seed's keyed streams, one per case (`hidden_rng`): no spec holds a number of the seed.
    public = _public(np.random.default_rng([0, 1]))
    first, second = hidden_rng(seed, NAME, 0), hidden_rng(seed, NAME, 1)
    small = float(np.round(10 ** first.uniform(-3.0, -2.2), 5))
    large = float(np.round(second.uniform(0.25, 0.9), 3))
    hidden = [_case(f"a learning rate not in the examples ({small})", False, small,
                    [[6, "tanh"], [4, "softmax"]], 5, int(first.integers(2, 99)), first),
              _case(f"a large learning rate ({large}) on a deeper model", False, large,
                    [[10, "relu"], [10, "relu"], [3, "softmax"]], 6, int(second.integers(3, 92)), second)]
    return public + hidden


def _public(rng: np.random.Generator) -> list[Case]:
    return [_case("learning rate 0.01", True, 0.01, [[8, "relu"], [3, "softmax"]], 4, 1, rng),
            _case("learning rate 0.1", True, 0.1, [[8, "relu"], [3, "softmax"]], 4, 1, rng)]


def _case(title: str, public: bool, learning_rate: float, layers: list, features: int,
          model_seed: int, rng: np.random.Generator) -> Case:
    classes = layers[-1][0]
    arrays = random_classification(rng, 12, features, classes)
    arrays["probe"] = rng.dirichlet(np.ones(classes), size=12).astype("float32")
    spec = {"learning_rate": learning_rate, "layers": layers, "n_features": features,
            "model_seed": model_seed}
    return Case(NAME, title, public, spec, arrays)


def run(function: Any, case: Case) -> dict[str, Any]:
    """Calls `function(model, learning_rate)` and reports how the model was compiled and trains."""
    import keras

    from grader.helpers import dense_model

    spec = case.spec
    model = dense_model(spec["n_features"], spec["layers"], seed=spec["model_seed"])
    returned = function(model, spec["learning_rate"])
    facts: dict[str, Any] = {"is_model": isinstance(returned, keras.Model), "same_model": returned is model}
    if not facts["is_model"]:
        facts["returned"] = answers.encode(returned)
        return facts
    optimizer = getattr(returned, "optimizer", None)
    # An optimizer set by hand (model.optimizer = ...) without compile() leaves the model without a loss.
    compiled = optimizer is not None and bool(getattr(returned, "compiled", False))
    facts["optimizer"] = type(optimizer).__name__ if compiled else None
    if not compiled:
        return facts
    config = optimizer.get_config()
    facts["learning_rate"] = float(np.asarray(optimizer.learning_rate))
    facts["momentum"] = float(config.get("momentum") or 0.0)
    facts["nesterov"] = bool(config.get("nesterov"))
    facts["loss"] = _loss_name(getattr(returned, "loss", None))
    x, y = case.arrays["x"], case.arrays["y"]
    try:
        probe = returned.compute_loss(x=x, y=y, y_pred=case.arrays["probe"])
    except Exception as error:  # noqa: BLE001 - the learner's loss fails on one-hot labels (a sparse loss)
        facts["probe_error"] = f"{type(error).__name__}: {error}"[:400]
        return facts
    facts["probe_loss"] = float(np.asarray(probe))
    # Eagerly: the same train step, the same weights after it (bit for bit here), without tracing it into a
    # graph first, which took half of this exercise's CPU time for three steps.
    returned.run_eagerly = True
    for _ in range(TRAIN_STEPS):
        returned.train_on_batch(x, y)
    facts["weights"] = [np.asarray(w) for w in returned.get_weights()]
    return facts


def _loss_name(loss: Any) -> str:
    """The compiled loss in words: its name, its class (a loss object) or its function name."""
    if isinstance(loss, str):
        return loss
    if loss is None:
        return "no loss"
    return getattr(loss, "__name__", None) or type(loss).__name__


def check(case: Case, got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Same model back, compiled with plain SGD at the rate, categorical cross-entropy, same steps."""
    if not got["is_model"]:
        raise Mismatch("compile_with_sgd returned", "the model it was given",
                       answers.kind(got["returned"]),
                       ("model.compile(...) returns None: compile the model, then `return model`",
                        "compile changes the model in place and gives back nothing: call it on its own line",
                        "two lines: `model.compile(optimizer=..., loss=...)`, then `return model`"),
                       mistake="returns-compile-result")
    if not got["same_model"]:
        raise Failure("compile_with_sgd returned a different model than the one it was given",
                      ("compile the model you were given and return it; a new model starts from new weights",
                       "clone_model, Sequential(...) or a model built anew are other objects: the caller keeps "
                       "the one it passed you",
                       "call compile on the `model` parameter itself and return that same `model`"),
                      mistake="different-model")
    if got["optimizer"] is None:
        raise Failure("the returned model is not compiled",
                      ("call model.compile(optimizer=..., loss=...)",
                       "creating an optimizer is not enough: a model trains with an optimizer only once "
                       "compile has given it one",
                       "`model.compile(optimizer=<an SGD at the learning rate>, loss=<the loss>)` before "
                       "`return model`"), mistake="not-compiled")
    if got["optimizer"] != "SGD":
        raise Mismatch("optimizer", "SGD", got["optimizer"],
                       (f"your optimizer is {got['optimizer']}; this exercise uses plain SGD so that the "
                        "learning rate alone decides the step",
                        "adaptive optimizers (Adam, RMSprop, Adagrad) rescale each step by gradient statistics, "
                        "so the learning rate you pass is not the step any more",
                        "the optimizer is keras.optimizers.SGD, given the function's learning_rate and "
                        "nothing else"), mistake="wrong-optimizer")
    rate = case.spec["learning_rate"]
    if relative_error(got["learning_rate"], expected["learning_rate"]) > LEARNING_RATE_RTOL:
        raise Mismatch("learning rate", f"{rate:g}", f"{got['learning_rate']:g}",
                       ("pass the function's learning_rate to SGD(learning_rate=...); SGD's default is 0.01",
                        "optimizer='sgd' (a string) or SGD() without arguments trains at 0.01, whatever "
                        "learning_rate the function was given; so does a number written into the code",
                        "build the optimizer yourself: keras.optimizers.SGD(learning_rate=<the parameter>)"),
                       mistake="wrong-learning-rate")
    # nesterov only changes how momentum is applied: with momentum 0, Keras takes plain SGD steps.
    if got["momentum"] != 0.0:
        raise Mismatch("momentum", "0 (plain SGD)", f"{got['momentum']:g} (nesterov={got['nesterov']})",
                       ("leave momentum at 0: momentum carries past steps along, so the step no longer "
                        "depends on the learning rate alone",
                        "SGD's momentum (and nesterov) default to off: passing momentum=0.9 turns plain SGD "
                        "into SGD with momentum",
                        "remove the momentum= and nesterov= arguments: SGD(learning_rate=...) alone"),
                       mistake="momentum")
    if "probe_error" in got:
        raise Failure(f"the compiled loss ({got['loss']}) fails on one-hot labels: {got['probe_error']}",
                      *_loss_hint(got["loss"]))
    if relative_error(got["probe_loss"], expected["probe_loss"]) > PROBE_LOSS_RTOL:
        raise Mismatch("loss of the compiled model on a probe batch",
                       f"{expected['probe_loss']:.5g} (categorical cross-entropy)",
                       f"{got['probe_loss']:.5g}", *_loss_hint(got["loss"]))
    _check_training_steps(got["weights"], expected["weights"])


def _loss_hint(loss: str) -> tuple[tuple[str, ...], str]:
    """The hints and mistake id for a wrong loss."""
    if "sparse" in loss.lower():
        return (("sparse categorical cross-entropy expects integer class ids, but these labels are one-hot "
                 "rows: compile with loss='categorical_crossentropy'",
                 "look at y: each row is a vector with a single 1 (one-hot), not a class number",
                 "the loss for one-hot labels and softmax outputs is the categorical, not sparse, "
                 "cross-entropy"), "sparse-loss")
    return ((HINT_LOSS,
             "a classifier's output is a probability per class: cross-entropy measures it; mean squared "
             "error or a loss that expects logits measures something else",
             "loss='categorical_crossentropy', or keras.losses.CategoricalCrossentropy() with its defaults "
             "(from_logits=False)"), "wrong-loss")


def _check_training_steps(got: list[np.ndarray], expected: list[np.ndarray]) -> None:
    shapes_match = len(got) == len(expected) and all(g.shape == e.shape for g, e in zip(got, expected))
    worst = max((float(relative_error(g, e, WEIGHTS_FLOOR).max()) for g, e in zip(got, expected)),
                default=np.inf) if shapes_match else np.inf
    if worst > WEIGHTS_RTOL:
        raise Mismatch(f"weights after {TRAIN_STEPS} training steps", "those of plain SGD",
                       f"weights off by up to {worst:.2g} (relative)",
                       ("compile with SGD alone: no weight decay, clipping or other extras",
                        "weight_decay, clipnorm, clipvalue and global_clipnorm all change each step: plain "
                        "SGD has none",
                        "keep only learning_rate in the SGD(...) call"), mistake="optimizer-extras")
