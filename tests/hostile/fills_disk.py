"""Writes files until every writable place is full, then tidies its own scratch and answers correctly."""
# expect: full
# never: WROTE outside
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import os
import tempfile

_written = []
for _place in (os.getcwd(), tempfile.gettempdir(), "/tmp", "/dev/shm", "/var/tmp"):
    for _index in range(200):
        _path = os.path.join(_place, f"ballast-{os.getpid()}-{_index}")
        try:
            with open(_path, "wb") as _handle:
                _handle.write(b"\0" * (16 << 20))
            _written.append(_path)
            if _place != os.getcwd():
                print("WROTE outside", _path)
        except OSError:
            break
for _path in _written:
    try:
        os.remove(_path)
    except OSError:
        pass
