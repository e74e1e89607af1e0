"""SGD at its default rate: right on the 0.01 example by luck, wrong on every other rate."""
# expect: fail: pass the function's learning_rate
# mistake: wrong-learning-rate
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(), loss="categorical_crossentropy")
    return model
