"""The reference way: call the layers in turn, mark ReLU units that are 0 on every row."""
# expect: pass
import keras
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = np.all(outputs == 0, axis=0)
    return masks
