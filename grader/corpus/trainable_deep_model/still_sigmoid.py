"""Keeps exercise 5's sigmoid layers under Keras' defaults: the gradient vanishes and the loss stalls."""
# expect: fail: of the output layer's gradient to the first
# mistake: stalls
# sample attempt
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="sigmoid") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
