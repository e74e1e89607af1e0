"""Counts the rows where each unit fires and calls the units with no such row dead; a numpy bool array."""
# expect: pass
import keras
import numpy as np


def dead_neuron_mask(model, x):
    dead = {}
    for index, layer in enumerate(model.layers):
        if not isinstance(layer, keras.layers.Dense) or layer.get_config()["activation"] != "relu":
            continue
        partial = keras.Sequential(model.layers[: index + 1])
        out = np.asarray(partial(x))
        dead[layer.name] = np.count_nonzero(out > 0, axis=0) == 0
    return dead
