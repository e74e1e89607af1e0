"""Fixes the sigmoid stack with BatchNormalization layers: a remedy, but not the exercise's (other layer types)."""
# expect: fail: other layers than Dense
# mistake: other-layer-types
import keras


def trainable_deep_model(depth, n_features, n_classes):
    layers = [keras.Input(shape=(n_features,))]
    for _ in range(depth):
        layers += [keras.layers.Dense(32, activation="sigmoid"), keras.layers.BatchNormalization()]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(layers)
