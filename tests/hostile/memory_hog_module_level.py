"""Allocates far too much at the top of the module."""
# expect: all=0
# say: load: MemoryError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


cache = np.zeros((1 << 38,))
cache[:] = 1
