"""Builds the optimizer but never calls model.compile."""
# expect: fail: call model.compile
# mistake: not-compiled
import keras


def compile_with_sgd(model, learning_rate):
    keras.optimizers.SGD(learning_rate=learning_rate)
    return model
