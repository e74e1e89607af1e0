"""Writes a results archive whose array header claims a terabyte."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import io
    import json
    import os
    import zipfile
    from pathlib import Path

    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (137438953472,), }"
    header = header + " " * (117 - len(header)) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a0.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
                         + b"\0" * 1_000_000)
    work = Path.cwd().parent
    for index in range(8):
        (work / f"case-{index}.npz").write_bytes(buffer.getvalue())
        (work / f"case-{index}.json").write_text(json.dumps(
            {"ok": True, "data": {"answer": {"__array__": "a0"}, "weights_changed": False}}))
    os._exit(0)


