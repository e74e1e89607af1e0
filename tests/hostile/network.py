"""Tries to send data to a server on the grading machine's loopback; answers correctly."""
# expect: full
# never: FOUND
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import socket

for _address in (("127.0.0.1", {{PORT}}), ("localhost", {{PORT}})):
    try:
        with socket.create_connection(_address, timeout=2) as _connection:
            _connection.sendall(b"exfiltrated answers")
            print("FOUND network")
    except OSError:
        pass
