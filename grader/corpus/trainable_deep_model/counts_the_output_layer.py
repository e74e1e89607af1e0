"""Counts the output layer in the depth: one hidden layer too few."""
# expect: fail: use the depth argument
# mistake: wrong-depth
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="elu", kernel_initializer="he_normal") for _ in range(depth - 1)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
