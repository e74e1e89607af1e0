"""Compiles and returns a clone: a new model with new weights, not the one it was given."""
# expect: fail: a different model
# mistake: different-model
import keras


def compile_with_sgd(model, learning_rate):
    copy = keras.models.clone_model(model)
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return copy
