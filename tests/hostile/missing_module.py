"""Imports a package the grader does not have."""
# expect: all=0
# say: load: ModuleNotFoundError
import keras
import numpy as np
import tensorflow as tf
import tensorflow_addons as tfa

# {{REFERENCE: compile_with_sgd, compare_learning_rates, dead_neuron_mask, layer_gradient_norms, gradient_ratio_by_depth}}


