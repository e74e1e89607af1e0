"""Closes its stdout and stderr, then answers."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE: compile_with_sgd, compare_learning_rates, dead_neuron_mask, layer_gradient_norms, gradient_ratio_by_depth}}


import os
import sys

os.close(1)
os.close(2)
print("nobody hears this")
