"""Returns objects whose methods raise or lie."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


class _Evil(dict):
    def items(self):
        raise RuntimeError("no items for you")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array either")

    def __eq__(self, other):
        return True

    __hash__ = None


def dead_neuron_mask(model, x):
    return _Evil(hidden_1=True)


