"""Answers NaN where numbers are expected."""
# expect: compare_learning_rates=0 gradient_ratio_by_depth=0
import keras
import numpy as np
import tensorflow as tf

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    return {rate: [float("nan")] * epochs for rate in learning_rates}


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(activations) == 0, axis=0)
    return masks


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)]


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    return {a: {d: float("nan") for d in depths} for a in activations}
