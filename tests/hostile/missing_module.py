"""Imports a package the grader does not have."""
# expect: all=0
# say: load: ModuleNotFoundError
import keras
import numpy as np
import tensorflow as tf
import tensorflow_addons as tfa

# {{REFERENCE}}


