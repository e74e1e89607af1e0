"""TensorFlow ops all the way: the masks come back as boolean tensors."""
# expect: pass
import tensorflow as tf


def dead_neuron_mask(model, x):
    result = {}
    h = tf.convert_to_tensor(x)
    for layer in model.layers:
        h = layer(h)
        if layer.activation.__name__ == "relu":
            result[layer.name] = tf.logical_not(tf.reduce_any(h > 0, axis=0))
    return result
