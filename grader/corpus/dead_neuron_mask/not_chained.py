"""Feeds x to every layer, not the previous layer's output: Keras refuses the width on the one-row case."""
# expect: fail: is incompatible with the layer
# mistake: layers-not-chained
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    for layer in model.layers:
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(layer(x)) == 0, axis=0)
    return masks
