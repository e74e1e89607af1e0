"""ReLU with He initialisation: trains at depth 10, but at 16-20 layers of 32 units only at some seeds."""
# expect: fail: at every seed
# mistake: trains-at-some-seeds
import keras


def trainable_deep_model(depth, n_features, n_classes):
    hidden = [keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal") for _ in range(depth)]
    return keras.Sequential([keras.Input(shape=(n_features,)), *hidden,
                             keras.layers.Dense(n_classes, activation="softmax")])
