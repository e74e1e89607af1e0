"""The reference way: SELU with LeCun normal initialisation, the pair SELU was designed for."""
# expect: pass
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="selu", kernel_initializer="lecun_normal") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
