"""An infinite loop in one exercise."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: no answer within
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    while True:
        pass


