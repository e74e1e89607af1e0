"""Ignores SIGTERM, SIGINT, SIGHUP and SIGALRM, then loops (sleeping): stopped as waiting."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: stopped as waiting
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import signal
    import time

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1):
        signal.signal(signum, signal.SIG_IGN)
    while True:
        try:
            time.sleep(0.1)
        except BaseException:
            pass


