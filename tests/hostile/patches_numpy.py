"""Patches NumPy's comparisons (functions and ndarray.__eq__) before a wrong answer."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import ctypes
    import gc

    always = lambda *args, **kwargs: True  # noqa: E731
    for name in ("allclose", "isclose", "array_equal", "array_equiv", "all", "any"):
        setattr(np, name, always)
    np.testing.assert_allclose = lambda *args, **kwargs: None
    np.testing.assert_array_equal = lambda *args, **kwargs: None
    slots = gc.get_referents(np.ndarray.__dict__)[0]
    slots["__eq__"] = always
    slots["__ne__"] = lambda *args, **kwargs: False
    ctypes.pythonapi.PyType_Modified(ctypes.py_object(np.ndarray))
    return {layer.name: np.ones(layer.units, dtype=bool) for layer in model.layers
            if layer.get_config()["activation"] == "relu"}


