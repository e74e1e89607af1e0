"""Sums the loss over rows and takes sqrt(sum of squares): the sum scales both norms by the number of
rows, so their ratio is the same. Kernels found by shape among the trainable weights."""
# expect: pass
import keras
import numpy as np
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        per_depth = {}
        for depth in reversed(depths):
            model = build_model(depth, activation)
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy(reduction="sum")(y, model(x))
            kernels = [w for w in model.trainable_weights if len(w.shape) == 2]
            grads = tape.gradient(loss, kernels)
            norms = [np.sqrt(np.sum(np.square(g.numpy()))) for g in grads]
            per_depth[int(depth)] = np.float32(norms[0] / norms[-1])
        ratios[activation] = per_depth
    return ratios
