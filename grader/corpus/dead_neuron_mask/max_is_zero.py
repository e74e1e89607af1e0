"""A unit is dead when its largest output is 0: ReLU outputs are never negative, so this is all-zero."""
# expect: pass
import keras


def dead_neuron_mask(model, x):
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            outputs = keras.ops.convert_to_numpy(activations)
            masks[layer.name] = outputs.max(axis=0) == 0
    return masks
