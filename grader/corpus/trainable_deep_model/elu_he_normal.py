"""ELU with He normal initialisation, built with add() and no Input: the grader builds it."""
# expect: pass
import keras


def trainable_deep_model(depth, n_features, n_classes):
    model = keras.Sequential()
    for _ in range(depth):
        model.add(keras.layers.Dense(32, activation=keras.activations.elu,
                                     kernel_initializer=keras.initializers.HeNormal()))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model
