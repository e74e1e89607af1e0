"""SGD with momentum 0.9, the setting many tutorials copy."""
# expect: fail: leave momentum at 0
# mistake: momentum
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9),
                  loss="categorical_crossentropy")
    return model
