"""Returns {layer name: norm} instead of a list."""
# expect: fail: should be a list of numbers
# mistake: wrong-type
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    gradients = tape.gradient(loss, [layer.kernel for layer in model.layers])
    return {layer.name: float(tf.norm(g)) for layer, g in zip(model.layers, gradients)}
