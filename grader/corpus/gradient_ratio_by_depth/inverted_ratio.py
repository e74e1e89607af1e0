"""Divides the last layer's norm by the first's."""
# expect: fail: that is last over first
# mistake: inverted-ratio
# sample attempt
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            model = build_model(depth, activation)
            kernels = [layer.kernel for layer in model.layers]
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y, model(x))
            g = tape.gradient(loss, kernels)
            ratios[activation][depth] = float(tf.norm(g[-1]) / tf.norm(g[0]))
    return ratios
