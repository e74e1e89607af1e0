"""Builds all models first; the loss function and its mean; the ratios stay TensorFlow scalars."""
# expect: pass
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    models = {(a, d): build_model(d, a) for a in sorted(activations) for d in depths}
    ratios = {}
    for (activation, depth), model in models.items():
        first, last = model.layers[0].kernel, model.layers[-1].kernel
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x)))
        g_first, g_last = tape.gradient(loss, [first, last])
        ratios.setdefault(activation, {})[depth] = tf.norm(g_first) / tf.norm(g_last)
    return ratios
