# Generated from solutions/optimization.py by `python -m grader.build`: edit that file instead.
"""Understanding model optimization: why training stalls.

Five exercises on plain stochastic gradient descent (SGD), dying ReLU units and vanishing gradients.
Try your functions on the wine data with the helpers in `grader.helpers`, and check them with
`grader check FILE` (or `from grader import check; check()` in a notebook).
"""

import keras
import numpy as np
import tensorflow as tf


def compile_with_sgd(model, learning_rate):
    """Compiles `model` for training with plain stochastic gradient descent.

    Plain SGD moves each weight by `-learning_rate * gradient`, nothing more: no momentum, no Nesterov
    step. That makes the learning rate the only thing that decides the step size, which is what the
    next exercise studies. The model outputs softmax probabilities and the labels are one-hot, so the
    loss is categorical cross-entropy.

    Keras 3 removed the old `SGD(lr=...)` spelling that older course material uses: the argument is
    `learning_rate`.

    Args:
        model: a `keras.Model` ending in a softmax layer.
        learning_rate: the SGD step size, a float such as 0.01.

    Returns:
        The same `model`, compiled (`model.compile` itself returns None).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    """Trains one fresh model per learning rate and records its training loss after each epoch.

    Every rate must start from the same untrained weights, so call `build_model()` once per rate and
    never reuse a model that was trained before. Compile it as in `compile_with_sgd` and fit it on
    `x, y` for `epochs` epochs with Keras' defaults for everything else (`verbose=0`).

    On the wine data (see `grader.helpers.load_wine`), a tiny rate barely moves the loss, a moderate
    one lowers it steadily, and a rate that is too large overshoots: the loss jumps or diverges.

    Args:
        build_model: a function with no arguments that returns a new, uncompiled model.
        x: inputs, an array of shape (rows, features).
        y: one-hot labels, an array of shape (rows, classes).
        learning_rates: the rates to compare, e.g. [0.001, 0.01, 0.1].
        epochs: how many epochs to train each model.

    Returns:
        `{learning_rate: [training loss after each epoch]}`, one list of `epochs` floats per rate.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def dead_neuron_mask(model, x):
    """Finds the "dead" units of each ReLU layer: those that output 0 for every row of `x`.

    A ReLU unit whose input is negative for every row outputs 0 everywhere, and its slope there is 0,
    so no gradient reaches its incoming weights: it stays dead. A unit that fires on even a single
    row is alive. Run `x` through the layers in order (each layer takes the previous one's output)
    and look at every Dense layer whose activation is ReLU.

    Args:
        model: a `keras.Sequential` of Dense layers.
        x: inputs, an array of shape (rows, features).

    Returns:
        `{layer.name: mask}` for each ReLU layer, where `mask` is a boolean array with one entry per
        unit, True where the unit outputs 0 for every row.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def layer_gradient_norms(model, x, y):
    """Measures how much gradient reaches each Dense layer's kernel.

    Take the mean categorical cross-entropy of `model(x)` against the one-hot `y`, its gradient with
    respect to each Dense layer's kernel (`layer.kernel`, not the bias), and that gradient's L2
    (Frobenius) norm. Only measure: the weights must not change (use `tf.GradientTape`, no `fit`).

    Args:
        model: a `keras.Sequential` of Dense layers ending in softmax.
        x: inputs, an array of shape (rows, features).
        y: one-hot labels, an array of shape (rows, classes).

    Returns:
        One float per Dense layer, input side first.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    """Compares how much gradient the first layer gets, relative to the last, as networks deepen.

    For each activation and depth, build `build_model(depth, activation)` (`depth` hidden Dense layers,
    then a softmax output) and divide the first Dense layer's kernel-gradient norm by the last one's,
    as measured by `layer_gradient_norms`. A ratio far below 1 means the early layers barely learn.

    Measured here under Keras' default (Glorot uniform) initialisation, 32 units, median of 5 seeds:
    sigmoid's ratio falls to about 5e-4 at depth 5 and 1e-13 at depth 20, while tanh and ReLU stay
    near 1 even at depth 40. Sigmoid's slope is at most 0.25 and its outputs are not centred on 0, so
    each layer shrinks the gradient; tanh only loses its gradient when weights are small or saturate.

    Args:
        build_model: a function `(depth, activation) -> keras.Sequential`.
        x: inputs, an array of shape (rows, features).
        y: one-hot labels, an array of shape (rows, classes).
        depths: numbers of hidden layers, e.g. [2, 5, 10].
        activations: activation names, e.g. ["sigmoid", "tanh", "relu"].

    Returns:
        `{activation: {depth: ratio}}` with a float ratio for every activation and depth.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
