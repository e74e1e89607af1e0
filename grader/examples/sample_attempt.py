"""A sample attempt with the typical mistakes of the chapter, one per exercise (used by `make demo`)."""

import keras
import numpy as np
import tensorflow as tf


def compile_with_sgd(model, learning_rate):
    # Mistake: the Keras 2 spelling from older course material; Keras 3 rejects `lr`.
    model.compile(optimizer=keras.optimizers.SGD(lr=learning_rate), loss="categorical_crossentropy")
    return model


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    # Mistake: one model for every rate, so each rate starts where the previous one stopped.
    model = build_model()
    histories = {}
    for learning_rate in learning_rates:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
        histories[learning_rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories


def dead_neuron_mask(model, x):
    # Mistake: "dead" as "zero on most rows"; a unit that fires on a single row is alive.
    masks = {}
    outputs = x
    for layer in model.layers:
        outputs = layer(outputs)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.mean(keras.ops.convert_to_numpy(outputs) == 0, axis=0) > 0.5
    return masks


def layer_gradient_norms(model, x, y):
    # Mistake: the loss summed over rows instead of averaged.
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(keras.losses.categorical_crossentropy(y, model(x)))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    # Mistake: last over first, the ratio upside down.
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            norms = layer_gradient_norms(build_model(depth, activation), x, y)
            ratios[activation][depth] = norms[-1] / norms[0]
    return ratios
