"""Marks the live units True instead of the dead ones."""
# expect: fail: True marks a dead unit
# mistake: inverted-mask
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.any(keras.ops.convert_to_numpy(h) > 0, axis=0)
    return masks
