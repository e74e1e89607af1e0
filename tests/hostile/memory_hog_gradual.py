"""Fills memory 64 MiB at a time, touching every page."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: MemoryError|SIGKILL|SIGABRT|no answer within
import keras
import numpy as np
import tensorflow as tf

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for learning_rate in learning_rates:
        model = compile_with_sgd(build_model(), learning_rate)
        histories[learning_rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories


def dead_neuron_mask(model, x):
    blocks = []
    while True:
        blocks.append(b"x" * (64 << 20))


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)]


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            norms = layer_gradient_norms(build_model(depth, activation), x, y)
            ratios[activation][depth] = norms[0] / norms[-1]
    return ratios
