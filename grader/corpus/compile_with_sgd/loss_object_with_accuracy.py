"""A CategoricalCrossentropy loss object and an accuracy metric: metrics do not change training."""
# expect: pass
import keras


def compile_with_sgd(model, learning_rate):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
    return model
