"""Overwrites its load_errors.json with junk of every type while answering."""
# expect: full
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


def compare_learning_rates(build_model, x, y, learning_rates, epochs):
    import json
    from pathlib import Path

    junk = [1, None, [2, 3], {"where": 5, "type": ["x"], "message": {"a": 1}}, {"message": 7},
            {"where": "module", "type": "X", "message": ""}, "text", [[[[[[[]]]]]]]]
    (Path.cwd().parent / "load_errors.json").write_text(json.dumps(junk))
    histories = {}
    for learning_rate in learning_rates:
        model = compile_with_sgd(build_model(), learning_rate)
        histories[learning_rate] = model.fit(x, y, epochs=epochs, verbose=0).history["loss"]
    return histories


