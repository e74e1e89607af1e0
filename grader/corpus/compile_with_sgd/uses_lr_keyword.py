"""SGD(lr=...) from Keras 2 material: Keras 3 rejects the argument."""
# expect: fail: learning_rate
# mistake: lr-keyword
# sample attempt
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(lr=learning_rate), loss="categorical_crossentropy")
    return model
