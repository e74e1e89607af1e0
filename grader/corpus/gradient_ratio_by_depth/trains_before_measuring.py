"""Fits each model for a few epochs before measuring: the gradients are no longer those at initialisation."""
# expect: fail: build a fresh model
# mistake: ratio-differs
import keras
import tensorflow as tf


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            model = build_model(depth, activation)
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy")
            model.fit(x, y, epochs=3, verbose=0)
            kernels = [layer.kernel for layer in model.layers]
            with tf.GradientTape() as tape:
                loss = keras.losses.CategoricalCrossentropy()(y, model(x))
            g = tape.gradient(loss, kernels)
            ratios[activation][depth] = float(tf.norm(g[0]) / tf.norm(g[-1]))
    return ratios
