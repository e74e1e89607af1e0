"""Assumes every layer but the output is ReLU."""
# expect: fail: only ReLU layers belong in the dict
# mistake: non-relu-layers
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers[:-1]:
        h = layer(h)
        masks[layer.name] = np.all(keras.ops.convert_to_numpy(h) == 0, axis=0)
    return masks
