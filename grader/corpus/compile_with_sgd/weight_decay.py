"""Adds weight decay to SGD: the steps shrink the weights as well."""
# expect: fail: no weight decay
# mistake: optimizer-extras
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate, weight_decay=0.1),
                  loss="categorical_crossentropy")
    return model
