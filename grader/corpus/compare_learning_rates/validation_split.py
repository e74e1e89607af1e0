"""Holds 20% of the rows out for validation: the model trains on fewer rows than it is given."""
# expect: fail: validation_split holds the last rows out of training
# mistake: validation-split
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, validation_split=0.2, verbose=0).history["loss"]
    return histories
