"""Cross-entropy written out with keras.ops, norms as the square root of the sum of squares."""
# expect: pass
import keras
import tensorflow as tf
from keras import ops


def layer_gradient_norms(model, x, y):
    x = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        probabilities = model(x)
        loss = ops.mean(-ops.sum(y * ops.log(probabilities), axis=-1))
    norms = []
    for layer in model.layers:
        gradient = tape.gradient(loss, layer.kernel)
        norms.append(ops.sqrt(ops.sum(ops.square(gradient))))
    del tape
    return [keras.ops.convert_to_numpy(n) for n in norms]
