"""Swaps sigmoid for ReLU but keeps Keras' default Glorot initialiser: each layer halves the signal's
variance, and the loss barely moves."""
# expect: fail: halves its variance
# mistake: stalls
import keras


def trainable_deep_model(depth, n_features, n_classes):
    model = keras.Sequential([keras.Input(shape=(n_features,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(32, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model
