"""shuffle=False: the rows go in the same order every epoch, so with several batches the curves differ."""
# expect: fail: shuffle=False turns that off
# mistake: shuffle-off
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, shuffle=False, verbose=0).history["loss"]
    return histories
