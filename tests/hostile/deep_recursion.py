"""Lifts the recursion limit, then recurses through C code until the stack ends."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: SIGSEGV|RecursionError|MemoryError
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import sys

    sys.setrecursionlimit(10**9)

    class Deep:
        def __repr__(self):
            return repr([self])

    return repr(Deep())


