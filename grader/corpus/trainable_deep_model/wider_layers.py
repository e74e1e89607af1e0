"""Makes the hidden layers wider (64 units) instead of choosing their activation."""
# expect: fail: units of the hidden layers
# mistake: wrong-width
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(64, activation="tanh") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
