"""Records model.evaluate after each epoch: the loss after the step, not the one fit reports."""
# expect: fail: one epoch late
# mistake: one-epoch-late
import keras


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        losses = []
        for _ in range(epochs):
            model.fit(x, y, epochs=1, verbose=0)
            losses.append(model.evaluate(x, y, verbose=0))
        histories[rate] = losses
    return histories
