"""Returns the public example's curves as a literal: right on the example, wrong on every hidden case."""
# expect: fail: the hidden cases give other rates than the examples
# mistake: example-rates
def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    return {
        0.01: [1.065226, 1.05282, 1.040654],
        0.1: [1.065226, 0.947996, 0.856001],
        1.0: [1.065226, 0.390812, 0.172729],
    }
