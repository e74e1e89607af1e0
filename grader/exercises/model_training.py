"""The grader's own training of a model rebuilt from a learner's description (trainable_deep_model's
trusted stage, in the grader's child that ran no learner code): fresh weights at each seed, epochs of
shuffled mini-batches, and what the first batch meets at the initial weights."""

from __future__ import annotations

from typing import Any

import numpy as np


def train(model: Any, x: np.ndarray, y: np.ndarray, seed: int, epochs: int, batch_size: int
          ) -> tuple[list[float], float, dict[str, list]]:
    """Trains the compiled `model` from fresh weights at `seed`, as `model.fit(x, y, epochs=epochs,
    batch_size=batch_size)` would: each epoch in a new shuffled order, in batches of `batch_size` (the last
    one shorter), one `train_on_batch` each. Returns each epoch's training loss (the batches' losses
    before their steps, weighted by their sizes: the number `fit` reports) and how far the first step
    moved the first Dense kernel over the output layer's. Plain SGD moves each kernel by the learning
    rate times its gradient, so that is the first layer's gradient norm over the output layer's, at the
    initial weights: exercise 5's ratio for the learner's own model. Also returns `start`, what the first
    batch meets at the initial weights (`starting_state`).

    A loop of `train_on_batch` rather than `fit`, which spends about 25 ms on every epoch outside the
    steps: three seeds of 20 epochs take 0.55-0.72 s of CPU here, where `fit` took 1.2-1.3 s for three
    seeds of 10 epochs.
    """
    import keras

    keras.utils.set_random_seed(seed)
    initialise(model)
    order = np.random.default_rng(seed)
    curve, ratio, initial = [], float("nan"), {}
    for _ in range(epochs):
        rows = order.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = rows[start:start + batch_size]
            first = not curve and start == 0
            before = _kernels(model) if first else []
            if first:
                initial = starting_state(model, x[batch])
            loss = model.train_on_batch(x[batch], y[batch])
            if first:
                moves = [float(np.linalg.norm(now - then)) for now, then in zip(_kernels(model), before)]
                with np.errstate(all="ignore"):
                    ratio = float(np.float64(moves[0]) / moves[-1])
            total += float(np.asarray(loss)) * len(batch)
        curve.append(total / len(x))
    return curve, ratio, initial


def starting_state(model: Any, x: np.ndarray) -> dict[str, list]:
    """What each hidden layer does with a batch `x` at the initial weights, by the chapter's own rules.

    `dead`: how many of its units output 0 for every row (exercise 3's dead units); `identical`: whether
    all its units start with the same weights (a constant kernel and bias), so that they compute the same
    thing and, getting the same gradient, stay alike.
    """
    dead, identical = [], []
    out = x
    for layer in model.layers[:-1]:
        out = layer(out)
        dead.append(int(np.sum(np.all(np.asarray(out) == 0, axis=0))))
        kernel, bias = np.asarray(layer.kernel), np.asarray(layer.bias)
        identical.append(bool(kernel.shape[1] > 1 and np.all(kernel == kernel[:, :1]) and np.all(bias == bias[0])))
    return {"dead": dead, "identical": identical}


def _kernels(model: Any) -> list[np.ndarray]:
    return [np.array(layer.kernel) for layer in model.layers]


def initialise(model: Any) -> None:
    """Draws every layer's weights afresh from its initialisers, seeded by Keras' global seed."""
    for dense in model.layers:
        for weight, initializer in ((dense.kernel, dense.kernel_initializer), (dense.bias, dense.bias_initializer)):
            if weight is not None:
                weight.assign(_unseeded(initializer)(tuple(weight.shape), dtype=weight.dtype))


def _unseeded(initializer: Any) -> Any:
    config = initializer.get_config()
    if "seed" not in config:
        return initializer
    return type(initializer).from_config({**config, "seed": None})
