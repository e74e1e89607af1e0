"""Writes the example's rate 0.1 into the code instead of using the argument."""
# expect: fail: pass the function's learning_rate
# mistake: wrong-learning-rate
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy")
    return model
