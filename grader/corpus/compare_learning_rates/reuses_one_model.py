"""Builds one model and recompiles it for every rate: later rates start from trained weights."""
# expect: fail: call build_model() once per learning rate
# mistake: reused-model
# sample attempt
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    model = build_model()
    histories = {}
    for rate in learning_rates:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
