"""Loops over the example's depths, 2 and 5, written into the code."""
# expect: fail: the hidden cases use other depths
# mistake: example-depths
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in (2, 5):
            model = build_model(depth, activation)
            kernels = [layer.kernel for layer in model.layers]
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y, model(x))
            g = tape.gradient(loss, kernels)
            ratios[activation][depth] = float(tf.norm(g[0]) / tf.norm(g[-1]))
    return ratios
