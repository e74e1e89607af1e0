"""Mean squared error instead of categorical cross-entropy."""
# expect: fail: loss='categorical_crossentropy'
# mistake: wrong-loss
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model
