"""Lists the layers from the output back to the input, as backpropagation visits them."""
# expect: fail: reverse order
# mistake: reversed-order
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in reversed(model.layers)]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
