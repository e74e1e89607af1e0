"""SGD(lr=...) from Keras 2 material: Keras 3 rejects the argument."""
# expect: fail: learning_rate
# mistake: lr-keyword
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(lr=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
