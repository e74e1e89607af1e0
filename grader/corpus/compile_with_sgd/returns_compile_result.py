"""Returns what model.compile returns, which is None."""
# expect: fail: model.compile(...) returns None
# mistake: returns-compile-result
import keras


def compile_with_sgd(model, learning_rate):
    return model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                         loss="categorical_crossentropy")
