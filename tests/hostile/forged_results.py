"""Writes its own results files (for every case, in every job directory it can find), then exits before the grader writes the real ones."""
# expect: dead_neuron_mask=0
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def dead_neuron_mask(model, x):
    import glob
    import os
    from pathlib import Path

    from grader.core import plain

    forged = {"ok": True, "data": {"answer": {"dict": [["hidden_1", np.ones(6, dtype=bool)]]},
                                   "weights_changed": False}}
    places = [Path.cwd().parent, Path.cwd(), *map(Path, glob.glob("/tmp/grader-*/*/*"))]
    for place in places:
        for index in range(8):
            try:
                plain.dump(forged, place / f"case-{index}.json")
            except Exception:
                pass
    for path in ("/autograder/results/results.json", "/tmp/results.json"):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Path(path).write_text('{"score": 100}')
        except Exception:
            pass
    os._exit(0)


