"""Writes a results archive whose array header claims a terabyte."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    histories = {}
    for learning_rate in learning_rates:
        model = compile_with_sgd(build_model(), learning_rate)
        histories[learning_rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories


def dead_neuron_mask(model, x):
    import io
    import json
    import os
    import zipfile
    from pathlib import Path

    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (137438953472,), }"
    header = header + " " * (117 - len(header)) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a0.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
                         + b"\0" * 1_000_000)
    work = Path.cwd().parent
    for index in range(8):
        (work / f"case-{index}.npz").write_bytes(buffer.getvalue())
        (work / f"case-{index}.json").write_text(json.dumps(
            {"ok": True, "data": {"answer": {"__array__": "a0"}, "weights_changed": False}}))
    os._exit(0)


def layer_gradient_norms(model, x, y):
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x))
    return [float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)]


def gradient_ratio_by_depth(build_model, x, y, depths, activations):
    ratios = {}
    for activation in activations:
        ratios[activation] = {}
        for depth in depths:
            norms = layer_gradient_norms(build_model(depth, activation), x, y)
            ratios[activation][depth] = norms[0] / norms[-1]
    return ratios
