"""Uses pandas without importing it, in one exercise."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: NameError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    frame = pd.DataFrame(x)
    return {}


