"""Looks at the first row only."""
# expect: fail: a unit is dead only if it outputs 0 on every row
# mistake: dead-if-zero-somewhere
import keras


def dead_neuron_mask(model, x):
    masks = {}
    h = x
    for layer in model.layers:
        h = layer(h)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = keras.ops.convert_to_numpy(h)[0] == 0
    return masks
