"""Compiles with Adam instead of plain SGD."""
# expect: fail: your optimizer is Adam
# mistake: wrong-optimizer
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
