# Generated from solutions/optimization.py by `python -m grader.build`: edit that file instead.
"""Understanding model optimization: why training stalls.

Exercises on plain stochastic gradient descent (SGD), dying ReLU units and vanishing gradients, and
a deep network made to train. Try your functions on the wine data with the helpers in `grader.helpers`, and check them
with `grader check FILE` (or `from grader import check; check()` in a notebook).
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

    Measured on the wine data (`grader.helpers.load_wine`, a 13-16-3 ReLU model, 20 epochs, median of 5
    seeds): at 1e-4 the loss barely moves (1.36 to 1.34); 0.1 to 1 learn well (0.05 and 0.003); at 3 the
    loss jumps early (up to 810 in one seed) before settling; at 10 it overshoots to NaN in every seed.

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

    Measured on wine (13-64-64-3, 20 epochs of SGD, 5 seeds): with Keras' zero initial biases and rates of
    0.01 to 1, at most 3 of 128 units die. Start the second layer's biases at -1 and all 64 of its units
    are dead from the first step and stay dead: the loss stalls at 1.09, no better than guessing from
    class frequencies.

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

    Measured here (benchmarks/measurements.md: 32 units, Keras' default Glorot initialisation with zero
    biases, median of 5 seeds): sigmoid's ratio falls roughly geometrically, 0.13 at depth 1, 3.5e-4 at
    depth 5, 1.4e-7 at depth 10, 6e-14 at depth 20, under every initialisation tried. tanh's stays between
    0.77 and 1.2 up to depth 30, and ReLU's between 1 and 1.6: under these defaults tanh's gradient does
    not vanish. It does once biases start away from 0 (0.024 at depth 10 with biases of spread 0.5), and
    very large weights make it explode instead (145 at depth 10 with weights of spread 1).

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


def trainable_deep_model(depth, n_features, n_classes):
    """Builds a deep network that trains: you choose the activations and initialisers.

    Exercise 5 measured why a deep stack of sigmoid layers stalls: each layer passes back only a fraction
    of the gradient, so the first layers of a 10-layer network get about 1e-7 of what the output layer
    gets. The remedy is the one the chapter ends on: change the activation, and start the weights at a
    scale that suits it, so that the signal keeps its size through every layer.

    Return an uncompiled `keras.Sequential`: `keras.Input(shape=(n_features,))`, then exactly `depth`
    hidden `Dense` layers of 32 units, then `Dense(n_classes, activation="softmax")`. Choose each hidden
    layer's `activation` and `kernel_initializer` from what Keras ships (no other layer types). The
    grader trains your model itself, under seeds of its own (fresh weights from your initialisers at
    each seed): plain SGD at a learning rate of 0.02 for 20 epochs, and full marks when the training
    loss falls below 0.4 times the loss of guessing the class frequencies (0.43 on wine) at every seed.

    Measured here (benchmarks/trainable_deep_model.md: that training, 20 seeds, on wine with 10 hidden
    layers of 32 units and on hidden-like data with 12 to 14; the lowest epoch loss): exercise 5's sigmoid
    layers under Keras' defaults stay at the loss of guessing (1.09 on wine: their first layer gets about
    5e-7 of the output layer's gradient), and ReLU under Keras' default Glorot initialisation gets no
    lower than 0.62 on wine (each layer halves the signal's variance). The remedies train at every seed:
    on wine tanh (Glorot) reaches 0.05-0.07, ReLU with He normal initialisation 0.01-0.08 and He uniform
    0.01-0.11 (its loss spikes now and then, so the lowest epoch counts), leaky ReLU (He) 0.006-0.05, ELU
    (He normal) 0.005-0.02 and SELU (LeCun normal) 0.005-0.012; at 12 to 14 layers the worst of them stays
    below two thirds of the pass mark. Swish and GELU under He initialisation train at some seeds only.

    Args:
        depth: number of hidden Dense layers, e.g. 10 (the hidden cases ask for 12 to 14).
        n_features: width of each input row.
        n_classes: units of the softmax output layer.

    Returns:
        A new, untrained, uncompiled `keras.Sequential` of `depth + 1` Dense layers.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
