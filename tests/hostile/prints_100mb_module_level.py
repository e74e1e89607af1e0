"""Writes 100 MB to stdout and stderr at the top of the module, straight to the descriptors too."""
# expect: full
# say: output(*): discarded
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os
import sys

chunk = "x" * (1 << 20)
for _ in range(40):
    sys.stdout.write(chunk)
    sys.stderr.write(chunk)
for _ in range(20):
    os.write(1, chunk.encode())
