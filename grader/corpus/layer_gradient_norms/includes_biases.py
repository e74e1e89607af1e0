"""Reports the gradient norm of every trainable weight, biases included."""
# expect: fail: leave the biases out
# mistake: includes-biases
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, model.trainable_weights)]
