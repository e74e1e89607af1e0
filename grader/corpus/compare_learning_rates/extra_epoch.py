"""Trains one epoch more than asked and drops the first loss: the right length, the wrong training."""
# expect: fail: epoch(s) of training per model
# mistake: epoch-count
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs + 1, verbose=0).history["loss"][1:]
    return histories
