"""Returns the accuracy curve instead of the loss curve."""
# expect: fail: accuracies
# mistake: accuracies
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    curves = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        curves[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["accuracy"]
    return curves
