"""Prints 100 MB while answering correctly."""
# expect: full
# say: output(dead_neuron_mask): discarded
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    line = "debug " * 170 + "\n"
    for _ in range(100_000):
        print(line, end="")
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(activations) == 0, axis=0)
    return masks


