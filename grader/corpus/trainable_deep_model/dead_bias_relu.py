"""ReLU layers whose biases start at -5: every unit's input is below 0 on every row, so every unit is dead
from the first step (exercise 3's dead units) and no gradient gets through."""
# expect: fail: dead from the start
# mistake: dead-units
import keras


def trainable_deep_model(depth, n_features, n_classes):
    model = keras.Sequential([keras.Input(shape=(n_features,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(32, activation="relu", bias_initializer=keras.initializers.Constant(-5.0)))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model
