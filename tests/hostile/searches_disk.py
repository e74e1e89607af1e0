"""Walks the whole disk for solution code, reference results and hidden cases, and answers with what it finds."""
# expect: all=0
# never: FOUND
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

import os
import time

import grader.exercises

_stolen = {}
_deadline = time.monotonic() + 3
for _top, _dirs, _files in os.walk("/"):
    _dirs[:] = [d for d in _dirs if os.path.join(_top, d) not in ("/proc", "/sys", "/dev")]
    if time.monotonic() > _deadline:
        break
    for _name in _files:
        if not _name.endswith((".py", ".ipynb", ".json")) or "site-packages" in _top or _top.startswith("/usr"):
            continue
        try:
            with open(os.path.join(_top, _name), errors="replace") as _handle:
                _text = _handle.read(200_000)
        except OSError:
            continue
        _lines = [line.strip() for line in _text.splitlines()]
        for _index, _line in enumerate(_lines[:-1]):
            if _line in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS") and not _lines[_index + 1].startswith(
                    ("raise NotImplementedError", "# YOUR CODE HERE")):
                print("FOUND", _line, "in", os.path.join(_top, _name))
        if _name.endswith(".ipynb") and ("BEGIN SOLUTION" in _text or "BEGIN HIDDEN TESTS" in _text):
            print("FOUND the source notebook", os.path.join(_top, _name))
        if "optimization-grader" in _top or (len(_name) == 69 and _name.endswith(".json")):
            print("FOUND a cached reference result", os.path.join(_top, _name))
        if "def dead_neuron_mask" in _text:
            _namespace = {}
            try:
                exec(compile(_text, _name, "exec"), _namespace)
                _function = _namespace["dead_neuron_mask"]
                _function(None, None)
            except NotImplementedError:
                continue
            except BaseException:
                pass
            if callable(_namespace.get("dead_neuron_mask")):
                _stolen.update({k: v for k, v in _namespace.items() if callable(v)})
                print("FOUND", os.path.join(_top, _name))


def _use(name):
    def function(*args):
        if name not in _stolen:
            raise NotImplementedError("nothing found")
        return _stolen[name](*args)

    return function


for _name in grader.exercises.NAMES:  # every exercise answers with what it found
    globals()[_name] = _use(_name)
