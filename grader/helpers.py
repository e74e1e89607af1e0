"""Data and model builders that the optimization exercises take.

Learners import these to try their functions; the grader builds every case's models with them, so a
learner's model and the reference model start from the very same weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np

from grader.core.case import layer_names
from grader.data import standardized_wine


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Returns `labels` (integers) as one-hot rows of float32."""
    return np.eye(n_classes, dtype="float32")[np.asarray(labels, dtype=int)]


def load_wine(n_rows: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The UCI wine data (178 wines, 13 chemical measurements, 3 cultivars), shipped with scikit-learn.

    Args:
        n_rows: keep this many rows, drawn at random (all rows when None).
        seed: seed of that draw.

    Returns:
        `(x, y)`: standardised features, float32 of shape (rows, 13), and one-hot labels (rows, 3).
    """
    return standardized_wine(n_rows, seed)


def dense_model(
    n_features: int,
    layers: Sequence[tuple[int, str]],
    seed: int = 0,
    weights: Sequence[np.ndarray] | None = None,
) -> keras.Sequential:
    """A Sequential stack of Dense layers named hidden_1, hidden_2, ..., output.

    Args:
        n_features: width of each input row.
        layers: `(units, activation)` for each Dense layer, input side first.
        seed: seed of the Glorot-uniform kernels (Keras' default initialiser); biases start at zero.
        weights: kernel and bias arrays to load instead, in `model.get_weights()` order.

    Returns:
        A built, uncompiled model: the same seed gives the same weights, however many models were
        built before it in the process.
    """
    # Given all at once, the stack is built once; added one by one, it is rebuilt after each layer (a
    # 12-layer model took twice as long). The same layers, names and weights either way.
    names = layer_names(len(layers))
    dense = [keras.layers.Dense(units, activation=activation,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 1000 + index),
                                name=names[index])
             for index, (units, activation) in enumerate(layers)]
    model = keras.Sequential([keras.Input(shape=(n_features,)), *dense], name="model")
    if weights is not None:
        model.set_weights([np.asarray(w, dtype="float32") for w in weights])
    return model


def make_builder(
    n_features: int,
    n_classes: int,
    hidden: Sequence[int] = (16,),
    activation: str = "relu",
    seed: int = 0,
) -> Callable[[], keras.Sequential]:
    """A `build_model()` for `compare_learning_rates`: each call returns a fresh, identical model.

    Args:
        n_features: width of each input row.
        n_classes: units of the softmax output layer.
        hidden: units of each hidden layer.
        activation: activation of the hidden layers.
        seed: seed of the initial weights (the same for every model built).
    """
    layers = [(units, activation) for units in hidden] + [(n_classes, "softmax")]

    def build_model() -> keras.Sequential:
        return dense_model(n_features, layers, seed=seed)

    return build_model


def make_depth_builder(
    n_features: int, n_classes: int, units: int = 32, seed: int = 0
) -> Callable[[int, str], keras.Sequential]:
    """A `build_model(depth, activation)` for `gradient_ratio_by_depth`.

    Each model has `depth` hidden Dense layers of `units` units with `activation`, then a softmax
    output, all with Keras' default initialisation (Glorot uniform kernels, zero biases), seeded.
    """

    def build_model(depth: int, activation: str) -> keras.Sequential:
        layers = [(units, activation)] * int(depth) + [(n_classes, "softmax")]
        return dense_model(n_features, layers, seed=seed)

    return build_model
