"""Forges results, then runs out the clock."""
# expect: dead_neuron_mask=0
# say: dead_neuron_mask: no answer within|stopped as waiting|should be|expected
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import json
    import time
    from pathlib import Path

    for index in range(8):
        (Path.cwd().parent / f"case-{index}.json").write_text(json.dumps({"ok": True, "data": {
            "answer": {"dict": [["hidden_1", {"list": [1, 1, 1, 1, 1, 1], "type": "list"}]]},
            "weights_changed": False}}))
    while True:
        time.sleep(1)


