"""raise SystemExit at the top of the module."""
# expect: all=0
# say: load: SystemExit
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


raise SystemExit("done")
