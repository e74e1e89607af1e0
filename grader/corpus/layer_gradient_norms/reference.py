"""The reference way: one GradientTape, a CategoricalCrossentropy loss object, tf.norm."""
# expect: pass
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    gradients = tape.gradient(loss, kernels)
    return [float(tf.norm(gradient)) for gradient in gradients]
