"""from_logits=True on model(x): Keras 3 sees that the tensor came out of a softmax and uses its logits
(with a warning), so the loss, and every gradient, is the right one. Nothing to penalise."""
# expect: pass
import keras
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)(y, model(x))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
