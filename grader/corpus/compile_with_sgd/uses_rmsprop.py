"""RMSprop instead of plain SGD."""
# expect: fail: your optimizer is RMSprop
# mistake: wrong-optimizer
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
