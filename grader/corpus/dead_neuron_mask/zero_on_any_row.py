"""Marks a unit dead as soon as it is 0 on any row."""
# expect: fail: are positive on some rows, so they are alive
# mistake: dead-if-zero-somewhere
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.any(keras.ops.convert_to_numpy(h) == 0, axis=0)
    return masks
