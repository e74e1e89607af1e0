"""Reduces over the units (axis=1) instead of over the rows."""
# expect: fail: reduce over the rows (axis=0)
# mistake: reduced-over-units
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(h) == 0, axis=1)
    return masks
