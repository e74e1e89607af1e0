"""Adam at each rate instead of plain SGD."""
# expect: fail: your optimizer is Adam
# mistake: wrong-optimizer
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
