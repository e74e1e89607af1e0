"""Sparse categorical cross-entropy, which wants integer labels, on one-hot labels."""
# expect: fail: expects integer class ids
# mistake: sparse-loss
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")
    return model
