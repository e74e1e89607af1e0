"""Calls a unit dead when it is 0 on most rows: np.mean(out == 0) > 0.5."""
# expect: fail: a unit is dead only if it outputs 0 on every row
# mistake: alive-on-one-row
# sample attempt
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.mean(keras.ops.convert_to_numpy(h) == 0, axis=0) > 0.5
    return masks
