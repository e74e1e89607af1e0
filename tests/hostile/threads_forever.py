"""Leaves a non-daemon thread sleeping forever."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import threading
import time

threading.Thread(target=lambda: time.sleep(10**6), daemon=False).start()
