"""An infinite loop at the top of the module."""
# expect: all=0
# say: *: no answer within
# say: *: top-level code
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE: compile_with_sgd, compare_learning_rates, dead_neuron_mask, layer_gradient_norms, gradient_ratio_by_depth}}


while True:
    pass
