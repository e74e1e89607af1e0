"""Nests the dict by depth first, then activation."""
# expect: fail: key the outer dict by the activation names
# mistake: nesting-order
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for depth in depths:
        ratios[depth] = {}
        for activation in activations:
            model = build_model(depth, activation)
            kernels = [layer.kernel for layer in model.layers]
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y, model(x))
            g = tape.gradient(loss, kernels)
            ratios[depth][activation] = float(tf.norm(g[0]) / tf.norm(g[-1]))
    return ratios
