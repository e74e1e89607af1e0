"""Optimizer and loss passed positionally, the loss as the function keras.losses.categorical_crossentropy."""
# expect: pass
from keras import losses, optimizers


def compile_with_sgd(model, learning_rate):
    model.compile(optimizers.SGD(learning_rate), losses.categorical_crossentropy)
    return model
