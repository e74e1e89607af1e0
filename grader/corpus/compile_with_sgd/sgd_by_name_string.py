"""optimizer="sgd" by name: the learning rate is never passed on."""
# expect: fail: learning rate: expected
# mistake: wrong-learning-rate
def compile_with_sgd(model, learning_rate):
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model
