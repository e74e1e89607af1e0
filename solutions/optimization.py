"""Reference solutions for "Understanding model optimization"."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def compile_with_sgd(model, learning_rate):
    ### BEGIN SOLUTION
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="categorical_crossentropy",
    )
    return model
    ### END SOLUTION


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    ### BEGIN SOLUTION
    histories = {}
    for learning_rate in learning_rates:
        model = compile_with_sgd(build_model(), learning_rate)
        history = model.fit(x, y, epochs=epochs, verbose=0)
        histories[learning_rate] = history.history["loss"]
    return histories
    ### END SOLUTION


def dead_neuron_mask(model, x):
    ### BEGIN SOLUTION
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = np.all(outputs == 0, axis=0)
    return masks
    ### END SOLUTION


def layer_gradient_norms(model, x, y):
    ### BEGIN SOLUTION
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    gradients = tape.gradient(loss, kernels)
    return [float(tf.norm(gradient)) for gradient in gradients]
    ### END SOLUTION


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ### BEGIN SOLUTION
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            norms = layer_gradient_norms(build_model(depth, activation), x, y)
            ratios[activation][depth] = norms[0] / norms[-1]
    return ratios
    ### END SOLUTION
