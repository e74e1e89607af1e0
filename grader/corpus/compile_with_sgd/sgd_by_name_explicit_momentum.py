"""SGD looked up by name from a config, with momentum=0.0 spelled out."""
# expect: pass
import keras


def compile_with_sgd(model, learning_rate):
    optimizer = keras.optimizers.get(
        {"class_name": "SGD", "config": {"learning_rate": float(learning_rate), "momentum": 0.0}}
    )
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model
