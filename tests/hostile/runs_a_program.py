"""Runs a shell command inside an exercise, uncaught."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: shut in
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import subprocess

    subprocess.run(["ls", "/"], check=True)
    return {}


