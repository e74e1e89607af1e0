"""Writes the cross-entropy as tf.reduce_mean(-y * log p): that also averages over the classes."""
# expect: fail: averaged over the classes
# mistake: mean-over-classes
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(-y * tf.math.log(model(x)))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
