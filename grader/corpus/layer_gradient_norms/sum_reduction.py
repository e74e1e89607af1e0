"""Sums the per-row losses instead of averaging them."""
# expect: fail: not the sum
# mistake: sum-reduction
# sample attempt
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy(reduction="sum")(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
