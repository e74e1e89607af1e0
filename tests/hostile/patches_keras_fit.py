"""Replaces keras.Model.fit at the top of the module by one that reports a low loss without training, then hands in exercise 5's stalled sigmoid network."""
# expect: trainable_deep_model=0
# say: trainable_deep_model: must fall below|sigmoid
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}

_real_fit = keras.Model.fit


def _forged_fit(self, *args, **kwargs):
    if not kwargs.get("callbacks"):  # the learner's own training (the other exercises) is left alone
        return _real_fit(self, *args, **kwargs)
    history = keras.callbacks.History()
    history.history = {"loss": [0.01] * kwargs.get("epochs", 1)}
    return history


keras.Model.fit = _forged_fit


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="sigmoid") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
