"""Visits the rates from smallest to largest and returns NumPy arrays; optimizer and loss as objects."""
# expect: pass
import keras
import numpy as np


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    result = {}
    for rate in sorted(learning_rates):
        model = build_model()
        optimizer = keras.optimizers.get({"class_name": "SGD", "config": {"learning_rate": rate, "momentum": 0.0}})
        model.compile(optimizer=optimizer, loss=keras.losses.categorical_crossentropy)
        history = model.fit(x, y, epochs=epochs, verbose=0)
        result[float(rate)] = np.array(history.history["loss"])
    return result
