"""One functional model that outputs every ReLU layer at once, then the max over rows."""
# expect: pass
import keras
import numpy as np


def dead_neuron_mask(model, x):
    relu_layers = [layer for layer in model.layers if layer.activation is keras.activations.relu]
    extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in relu_layers])
    outputs = extractor.predict(x, verbose=0)
    if len(relu_layers) == 1:
        outputs = [outputs]
    return {layer.name: np.max(out, axis=0) <= 0 for layer, out in zip(relu_layers, outputs)}
