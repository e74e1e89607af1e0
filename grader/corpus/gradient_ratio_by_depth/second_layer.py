"""Uses the second Dense layer (index 1) as the 'first'."""
# expect: fail: divide the first (input side) by the last
# mistake: ratio-differs
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
            ratios[activation][depth] = float(tf.norm(g[1]) / tf.norm(g[-1]))
    return ratios
