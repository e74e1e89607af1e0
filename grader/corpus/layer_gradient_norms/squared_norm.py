"""Returns the sum of squares without the square root."""
# expect: fail: squared
# mistake: squared-norm
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.reduce_sum(g**2)) for g in tape.gradient(loss, kernels)]
