"""Returns the public example's answer as a literal."""
# expect: fail: compute the mask from the model and x you are given
# mistake: hard-coded-answer
def dead_neuron_mask(model, x):
    return {"hidden_1": [True, False, False, True, False, False]}
