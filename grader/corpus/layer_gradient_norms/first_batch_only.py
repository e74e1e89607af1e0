"""Takes the gradient on the first batch of rows (x[:32]), as if it were a training step, not on all of x."""
# expect: fail: the first 32 rows only
# mistake: first-batch-only
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y[:32], model(x[:32]))
    return [float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)]
