"""Builds one model per activation, at the largest depth, and reuses it for every depth."""
# expect: fail: the same ratio at every depth
# mistake: one-model-per-activation
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        model = build_model(max(depths), activation)
        kernels = [layer.kernel for layer in model.layers]
        with tf.GradientTape() as tape:
            loss = keras.losses.CategoricalCrossentropy()(y, model(x))
        g = tape.gradient(loss, kernels)
        ratio = float(tf.norm(g[0]) / tf.norm(g[-1]))
        ratios[activation] = {depth: ratio for depth in depths}
    return ratios
