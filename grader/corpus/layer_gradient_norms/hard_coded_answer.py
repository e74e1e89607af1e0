"""Returns the public example's norms as a literal."""
# expect: fail: one per Dense layer
# mistake: wrong-count
def layer_gradient_norms(model, x, y):
    return [0.1361, 0.1719, 0.08173]
