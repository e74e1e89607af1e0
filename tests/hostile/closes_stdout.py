"""Closes its stdout and stderr, then answers."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os
import sys

os.close(1)
os.close(2)
print("nobody hears this")
