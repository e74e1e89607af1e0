"""Takes the first and last trainable weights: the last one is the output layer's bias, not a kernel."""
# expect: fail: not the biases
# mistake: ratio-differs
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            model = build_model(depth, activation)
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y, model(x))
            g = tape.gradient(loss, model.trainable_weights)
            ratios[activation][depth] = float(tf.norm(g[0]) / tf.norm(g[-1]))
    return ratios
