"""An infinite loop at the top of the module."""
# expect: all=0
# say: *: no answer within
# say: *: top-level code
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


while True:
    pass
