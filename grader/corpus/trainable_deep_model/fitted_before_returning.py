"""Trains the model on data of its own before returning it, then compiles it afresh to hide the steps."""
# expect: fail: trained or set before it was returned
# mistake: fitted-before-returned
import keras
import numpy as np


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="elu", kernel_initializer="he_normal") for _ in range(depth)]
    model = keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(64, n_features))
    y = np.eye(n_classes)[np.arange(64) % n_classes]
    model.fit(x, y, epochs=3, verbose=0)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model
