"""Calls a unit dead when its largest output is below 0.01: small outputs are still outputs."""
# expect: fail: no threshold
# mistake: threshold-not-zero
import keras


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = outputs.max(axis=0) < 0.01
    return masks
