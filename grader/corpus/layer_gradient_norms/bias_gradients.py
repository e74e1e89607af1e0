"""Takes the gradient with respect to each layer's bias instead of its kernel."""
# expect: fail: layer.kernel
# mistake: norms-differ
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    biases = [layer.bias for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, biases)]
