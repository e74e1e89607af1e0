"""os._exit(0) inside an exercise."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: exit code 0
# say: dead_neuron_mask: while dead_neuron_mask was running
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import os

    os._exit(0)


