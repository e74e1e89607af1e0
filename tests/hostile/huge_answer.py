"""Returns an answer far too large to hand back."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    return {layer.name: np.zeros(50_000_000, dtype=bool) for layer in model.layers}


