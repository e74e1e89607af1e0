"""from_logits=True although the output layer already applies softmax."""
# expect: fail: from_logits=False
# mistake: wrong-loss
import keras


def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model
