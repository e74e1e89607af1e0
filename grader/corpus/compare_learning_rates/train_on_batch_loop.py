"""One train_on_batch per epoch: full-batch training, the same as fit only while the data fit in one batch."""
# expect: fail: full-batch training
# mistake: full-batch
import keras
import numpy as np


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    def curve(rate):
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate, momentum=0.0),
                      loss="categorical_crossentropy")
        return [np.float32(model.train_on_batch(x, y)) for _ in range(epochs)]

    return dict(zip(learning_rates, map(curve, learning_rates)))
