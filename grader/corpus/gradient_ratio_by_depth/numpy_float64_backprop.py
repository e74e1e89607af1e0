"""Every model's gradients by hand in NumPy float64, depths visited deepest first."""
# expect: pass
import numpy as np


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    def act(name, z):
        if name == "relu":
            return np.maximum(z, 0.0)
        if name == "sigmoid":
            return 1.0 / (1.0 + np.exp(-z))
        if name == "tanh":
            return np.tanh(z)
        e = np.exp(z - z.max(axis=1, keepdims=True))  # softmax output
        return e / e.sum(axis=1, keepdims=True)

    def slope(name, a):
        return {"relu": (a > 0) * 1.0, "sigmoid": a * (1.0 - a), "tanh": 1.0 - a**2}[name]

    def first_over_last(model):
        layers = [(w.astype(np.float64), b.astype(np.float64), layer.get_config()["activation"])
                  for layer in model.layers for w, b in [layer.get_weights()]]
        outs = [np.asarray(x, dtype=np.float64)]
        for w, b, name in layers:
            outs.append(act(name, outs[-1] @ w + b))
        delta = (outs[-1] - np.asarray(y, dtype=np.float64)) / len(x)
        norms = []
        for i in range(len(layers) - 1, -1, -1):
            norms.append(np.linalg.norm(outs[i].T @ delta))
            if i:
                delta = (delta @ layers[i][0].T) * slope(layers[i - 1][2], outs[i])
        return norms[-1] / norms[0]  # collected output side first

    result = {a: {} for a in activations}
    for depth in sorted(depths, reverse=True):
        for activation in activations:
            result[activation][depth] = first_over_last(build_model(depth, activation))
    return result
