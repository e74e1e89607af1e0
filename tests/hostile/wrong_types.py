"""Returns None, a string and an arbitrary object."""
# expect: compare_learning_rates=0 dead_neuron_mask=0 gradient_ratio_by_depth=0
# say: dead_neuron_mask: should be a dict
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for learning_rate in learning_rates:
        model = compile_with_sgd(build_model(), learning_rate)
        histories[learning_rate] = model.fit(x, y, epochs=epochs, verbose=0)


def dead_neuron_mask(model, x):
    return "units 0 and 2 are dead"


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    return object()
