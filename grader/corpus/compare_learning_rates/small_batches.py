"""batch_size=8: four steps per epoch, so each rate's curve is not the one the exercise asks for."""
# expect: fail: default batch_size
# mistake: batch-size
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, batch_size=8, verbose=0).history["loss"]
    return histories
