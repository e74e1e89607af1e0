"""np.isclose to 0 (atol 1e-8): far below any output of a live unit here, so the same as == 0."""
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
            masks[layer.name] = np.all(np.isclose(outputs, 0), axis=0)
    return masks
