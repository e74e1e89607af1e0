"""sys.exit() inside an exercise."""
# expect: compare_learning_rates=0
# say: compare_learning_rates: SystemExit
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    import sys

    sys.exit(0)


