"""os._exit(0) at the top of the module."""
# expect: all=0
# say: *: exit code 0
# say: *: top-level code
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os

os._exit(0)
