"""Sets model.optimizer by hand instead of calling compile(): the model has no loss."""
# expect: fail: not compiled
# mistake: not-compiled
import keras


def compile_with_sgd(model, learning_rate):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.optimizer = optimizer
    return model
