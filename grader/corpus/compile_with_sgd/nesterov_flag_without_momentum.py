"""nesterov=True with momentum 0: Keras then takes plain SGD steps, so this is plain SGD."""
# expect: pass
import keras


def compile_with_sgd(model, learning_rate):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.0, nesterov=True)
    model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(from_logits=False))
    return model
