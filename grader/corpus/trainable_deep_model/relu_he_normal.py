"""ReLU with He initialisation, the textbook remedy: its loss spikes now and then under plain SGD, but
it trains at every seed."""
# expect: pass
import keras


def trainable_deep_model(depth, n_features, n_classes):
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_features,)))
    for _ in range(depth):
        model.add(keras.layers.Dense(32, activation="relu", kernel_initializer=keras.initializers.HeNormal()))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model
