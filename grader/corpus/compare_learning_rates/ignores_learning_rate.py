"""Compiles every model with SGD's default rate and only uses the rate as the key."""
# expect: fail: SGD(learning_rate=rate)
# mistake: wrong-learning-rate


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer="sgd", loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
