"""A NumPy forward pass that passes the pre-activations on: the ReLU is never applied between layers."""
# expect: fail: each layer taking the previous layer's output
# mistake: forward-pass
import numpy as np


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        kernel, bias = layer.get_weights()
        h = h @ kernel + bias
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(h <= 0, axis=0)
    return masks
