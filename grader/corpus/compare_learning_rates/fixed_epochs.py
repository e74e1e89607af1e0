"""Trains for a fixed 3 epochs, the public example's count, whatever `epochs` says: right on the example."""
# expect: fail: one per epoch
# mistake: wrong-epoch-count
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    return histories
