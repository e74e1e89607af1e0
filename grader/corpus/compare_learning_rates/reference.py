"""The reference way: a fresh model per rate, SGD at that rate, history.history['loss']."""
# expect: pass
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for learning_rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
        history = model.fit(x, y, epochs=epochs, verbose=0)
        histories[learning_rate] = history.history["loss"]
    return histories
