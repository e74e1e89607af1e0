"""The reference way: a fresh model per pair, kernel-gradient norms, first over last."""
# expect: pass
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    def norms(model):
        kernels = [layer.kernel for layer in model.layers]
        with tf.GradientTape() as tape:
            loss = keras.losses.CategoricalCrossentropy()(y, model(x))
        return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]

    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            n = norms(build_model(depth, activation))
            ratios[activation][depth] = n[0] / n[-1]
    return ratios
