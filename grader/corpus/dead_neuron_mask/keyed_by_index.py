"""Keys the masks by layer index instead of layer name."""
# expect: fail: layer names (strings)
# mistake: keyed-by-index
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for index, layer in enumerate(model.layers):
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[index] = np.all(keras.ops.convert_to_numpy(h) == 0, axis=0)
    return masks
