"""Takes an SGD step with the gradients after measuring them: the model's weights change."""
# expect: fail: changed the model's weights
# mistake: changed-weights
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    gradients = tape.gradient(loss, kernels)
    keras.optimizers.SGD(learning_rate=0.1).apply_gradients(zip(gradients, kernels))
    return [float(tf.norm(g)) for g in gradients]
