"""Mean squared error instead of categorical cross-entropy."""
# expect: fail: categorical cross-entropy
# mistake: loss-curve-differs
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="mse")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
