"""Calls a unit dead when its median output is 0: a unit alive on a single row is not dead."""
# expect: fail: a unit is dead only if it outputs 0 on every row
# mistake: alive-on-one-row
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = np.median(outputs, axis=0) == 0
    return masks
