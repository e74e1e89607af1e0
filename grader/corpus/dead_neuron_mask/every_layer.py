"""Reports every Dense layer, the softmax and tanh ones too."""
# expect: fail: only ReLU layers belong in the dict
# mistake: non-relu-layers
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        masks[layer.name] = np.all(keras.ops.convert_to_numpy(h) == 0, axis=0)
    return masks
