"""Imports the reference solutions by every route it can think of; each function answers with them, or gives up."""
# expect: all=0
# never: FOUND
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

import glob
import importlib.util
import sys
from pathlib import Path

import grader.exercises

_solution = None
_candidates = [Path(grader.__file__).resolve().parents[1] / "solutions" / "optimization.py",
               Path("/work/main/solutions/optimization.py"),
               *map(Path, glob.glob("/*/*/solutions/optimization.py") + glob.glob("/*/*/*/solutions/*.py")),
               *map(Path, glob.glob(str(Path(grader.__file__).parent / "corpus" / "*" / "*.py"))),
               *map(Path, glob.glob(str(Path(grader.__file__).parent / "examples" / "*.py")))]
try:
    import solutions.optimization as _solution
except Exception:
    for _path in _candidates:
        try:
            _spec = importlib.util.spec_from_file_location("stolen", _path)
            _module = importlib.util.module_from_spec(_spec)
            _spec.loader.exec_module(_module)
            if hasattr(_module, "dead_neuron_mask"):
                _solution = _module
                break
        except Exception:
            pass
if _solution is not None:
    print("FOUND", _solution.__file__)


def _steal(name):
    def function(*args):
        if _solution is None:
            raise NotImplementedError("nothing to copy")
        return getattr(_solution, name)(*args)

    return function


for _name in grader.exercises.NAMES:  # every exercise answers with what it found
    globals()[_name] = _steal(_name)
