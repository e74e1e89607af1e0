"""Looks for negative outputs: after a ReLU there are none, so no unit is ever reported dead."""
# expect: fail: ReLU never outputs a negative number
# mistake: before-activation
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(h) < 0, axis=0)
    return masks
