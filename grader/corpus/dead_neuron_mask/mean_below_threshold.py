"""Calls a unit dead when its mean output is below 0.01: a unit that fires faintly on one row is alive."""
# expect: fail: a unit is dead only if it outputs 0 on every row
# mistake: threshold-not-zero
import keras


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = outputs.mean(axis=0) < 0.01
    return masks
