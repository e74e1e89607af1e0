"""tanh under Keras' default Glorot initialisation, each initialiser seeded: the grader's seeds replace them."""
# expect: pass
import keras


def trainable_deep_model(depth, n_features, n_classes):
    layers = [keras.Input(shape=(n_features,))]
    for index in range(depth):
        layers.append(keras.layers.Dense(32, activation="tanh",
                                         kernel_initializer=keras.initializers.GlorotUniform(seed=index)))
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    return keras.Sequential(layers)
