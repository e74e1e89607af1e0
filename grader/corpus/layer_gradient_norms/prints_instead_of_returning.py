"""Prints the norms and returns nothing."""
# expect: fail: should be a list of numbers, got None
# mistake: returns-nothing
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    for layer, gradient in zip(model.layers, tape.gradient(loss, kernels)):
        print(layer.name, float(tf.norm(gradient)))
