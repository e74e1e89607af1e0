"""Swish (SiLU) under He initialisation: it learns, but from some draws of the weights so slowly that its
loss is still high after the grader's epochs."""
# expect: fail: seeds only
# mistake: trains-at-some-seeds
import keras


def trainable_deep_model(depth, n_features, n_classes):
    layers = [keras.Input(shape=(n_features,))]
    layers += [keras.layers.Dense(32, activation="silu", kernel_initializer="he_normal") for _ in range(depth)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(layers)
