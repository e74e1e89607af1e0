"""Takes each model's gradients on the first batch of rows (x[:32]), as if it were a training step, not on all
of x."""
# expect: fail: the first 32 rows only
# mistake: first-batch-only
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            model = build_model(depth, activation)
            kernels = [layer.kernel for layer in model.layers]
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y[:32], model(x[:32]))
            norms = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
            ratios[activation][depth] = norms[0] / norms[-1]
    return ratios
