"""Full-batch training, batch_size=len(x): one step per epoch, so more rows than a batch train differently."""
# expect: fail: full-batch training
# mistake: full-batch
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        histories[rate] = model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0).history["loss"]
    return histories
