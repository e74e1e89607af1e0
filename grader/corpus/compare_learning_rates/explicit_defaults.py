"""Spells out fit's defaults (batch_size=32, shuffle=True) and passes tensors: the same training."""
# expect: pass
import keras
import tensorflow as tf


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for rate in learning_rates:
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
        history = model.fit(tf.constant(x), tf.constant(y), epochs=epochs, batch_size=32, shuffle=True, verbose=0)
        histories[rate] = history.history["loss"]
    return histories
