"""Keys the curves by the rate as a string, the way a plot legend would."""
# expect: fail: key each curve by its learning rate itself
# mistake: string-keys
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[f"lr={rate}"] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
