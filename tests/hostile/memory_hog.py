"""Asks for a terabyte at once."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: MemoryError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    outputs = np.ones((1 << 40,), dtype="float64")
    return {"hidden_1": outputs}


