"""Fills memory 64 MiB at a time, touching every page."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: MemoryError|SIGKILL|SIGABRT|no answer within
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    blocks = []
    while True:
        blocks.append(b"x" * (64 << 20))


