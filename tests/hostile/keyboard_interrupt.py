"""Raises KeyboardInterrupt inside an exercise."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: KeyboardInterrupt
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    raise KeyboardInterrupt


