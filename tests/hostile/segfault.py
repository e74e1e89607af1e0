"""Crashes the interpreter with a null pointer read."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: SIGSEGV
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import ctypes

    return ctypes.string_at(0)


