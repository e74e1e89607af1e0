"""The forward pass in NumPy from layer.get_weights(), np.maximum for ReLU; masks returned as lists."""
# expect: pass
import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "linear": lambda z: z,
    "softmax": softmax,
}


def dead_neuron_mask(model, x):
    masks = {}
    h = np.asarray(x, dtype=np.float64)
    for layer in model.layers:
        kernel, bias = layer.get_weights()
        name = layer.get_config()["activation"]
        h = ACTIVATIONS[name](h @ kernel + bias)
        if name == "relu":
            masks[layer.name] = (h.max(axis=0) == 0).tolist()
    return masks
