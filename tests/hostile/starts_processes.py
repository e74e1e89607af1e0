"""Tries every way to leave a process behind (daemon, setsid, raw fork syscall), and answers correctly."""
# expect: full
# never: ESCAPED
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


import ctypes
import multiprocessing
import os
import subprocess


def _attempt(start):
    try:
        start()
        print("ESCAPED")
    except BaseException:
        pass


_attempt(lambda: subprocess.Popen(["sleep", "987654"], start_new_session=True))
_attempt(lambda: subprocess.Popen("nohup sleep 987653 &", shell=True))
_attempt(lambda: multiprocessing.Process(target=__import__("time").sleep, args=(987652,), daemon=False).start())
_attempt(lambda: os.posix_spawn("/bin/sleep", ["sleep", "987651"], os.environ))


def _double_fork():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            __import__("time").sleep(987650)
        os._exit(0)


_attempt(_double_fork)


def _raw_fork():
    pid = ctypes.CDLL(None, use_errno=True).syscall(57)  # fork(2) itself, on x86_64, past any Python hook
    if pid < 0:
        raise OSError(ctypes.get_errno(), "fork failed")
    if pid == 0:
        __import__("time").sleep(987649)


_attempt(_raw_fork)
