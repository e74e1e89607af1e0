"""Backpropagation by hand in NumPy float64: no tape, no Keras call, only layer.get_weights()."""
# expect: pass
import numpy as np


def _forward(name, z):
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return z


def _slope(name, a):
    """d activation / d z, written with the activation's output a."""
    if name == "relu":
        return (a > 0).astype(np.float64)
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a**2
    return np.ones_like(a)


def layer_gradient_norms(model, x, y):
    y = np.asarray(y, dtype=np.float64)
    inputs, outputs, names, kernels = [], [], [], []
    a = np.asarray(x, dtype=np.float64)
    for layer in model.layers:
        kernel, bias = (w.astype(np.float64) for w in layer.get_weights())
        name = layer.get_config()["activation"]
        inputs.append(a)
        a = _forward(name, a @ kernel + bias)
        outputs.append(a)
        names.append(name)
        kernels.append(kernel)
    # mean cross-entropy of a softmax output: d loss / d logits = (p - y) / rows
    delta = (outputs[-1] - y) / len(y)
    norms = [0.0] * len(kernels)
    for i in reversed(range(len(kernels))):
        norms[i] = float(np.sqrt(np.sum((inputs[i].T @ delta) ** 2)))
        if i > 0:
            delta = (delta @ kernels[i].T) * _slope(names[i - 1], outputs[i - 1])
    return norms
