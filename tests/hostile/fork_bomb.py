"""A fork bomb at the top of the module."""
# expect: all=0
# say: load: PermissionError|BlockingIOError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os

while True:
    os.fork()
