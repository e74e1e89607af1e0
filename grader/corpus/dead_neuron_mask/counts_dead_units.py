"""Returns how many units are dead per layer, not which."""
# expect: fail: booleans
# mistake: not-a-mask
import keras
import numpy as np


def dead_neuron_mask(model, x):
    counts = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            counts[layer.name] = int(np.sum(np.all(keras.ops.convert_to_numpy(h) == 0, axis=0)))
    return counts
