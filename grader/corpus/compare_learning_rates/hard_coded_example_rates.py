"""Trains the rates of the public example, written into the code, instead of the rates it is given."""
# expect: fail: learning_rates argument
# mistake: example-rates
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {0.01: None, 0.1: None, 1.0: None}
    for rate in histories:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
