"""Each layer's trainable_variables[0] (its kernel), numpy float32 scalars in a tuple."""
# expect: pass
import keras
import numpy as np
import tensorflow as tf


def layer_gradient_norms(model, x, y):
    loss_fn = keras.losses.CategoricalCrossentropy(reduction="sum_over_batch_size")
    kernels = [layer.trainable_variables[0] for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.convert_to_tensor(y), model(tf.convert_to_tensor(x)))
    return tuple(np.float32(np.sqrt(np.sum(np.square(g)))) for g in tape.gradient(loss, kernels))
