"""SGD with momentum 0.9."""
# expect: fail: plain SGD has no momentum
# mistake: momentum
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate, momentum=0.9),
                      loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
