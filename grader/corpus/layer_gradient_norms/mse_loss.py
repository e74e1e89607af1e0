"""Mean squared error instead of categorical cross-entropy."""
# expect: fail: CategoricalCrossentropy()
# mistake: norms-differ
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
