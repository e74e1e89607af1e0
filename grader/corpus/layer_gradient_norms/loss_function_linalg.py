"""The loss function categorical_crossentropy and its mean; gradients of all weights, kernels picked by
shape; np.linalg.norm; a NumPy array back."""
# expect: pass
import keras
import numpy as np
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    with tf.GradientTape() as tape:
        per_row = keras.losses.categorical_crossentropy(y, model(x, training=True))
        loss = tf.reduce_mean(per_row)
    weights = model.trainable_weights
    gradients = tape.gradient(loss, weights)
    return np.array([np.linalg.norm(g.numpy()) for w, g in zip(weights, gradients) if len(w.shape) == 2])
