"""Starts every kernel at zero: the units of a layer are identical and stay so (and ReLU's output is 0)."""
# expect: fail: your kernels start at 0
# mistake: identical-units
import keras


def trainable_deep_model(depth, n_features, n_classes):
    model = keras.Sequential([keras.Input(shape=(n_features,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(32, activation="relu", kernel_initializer="zeros"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model
