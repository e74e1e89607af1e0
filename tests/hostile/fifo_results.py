"""Makes its results files named pipes (a reader that opens one would hang), then exits."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import os
    from pathlib import Path

    for index in range(8):
        os.mkfifo(Path.cwd().parent / f"case-{index}.json")
        os.mkfifo(Path.cwd().parent / f"case-{index}.npz")
    os._exit(0)


