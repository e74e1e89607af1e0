"""Leaves a non-daemon thread sleeping forever."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE: compile_with_sgd, compare_learning_rates, dead_neuron_mask, layer_gradient_norms, gradient_ratio_by_depth}}


import threading
import time

threading.Thread(target=lambda: time.sleep(10**6), daemon=False).start()
