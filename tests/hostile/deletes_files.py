"""Deletes everything it can reach: the grader, the repository, the environment, /tmp, the grader's job directories; then answers correctly."""
# expect: full
# never: DELETED
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import glob
import os
import shutil
import sys
from pathlib import Path

import grader

_victims = [Path(grader.__file__).resolve().parents[1], Path(np.__file__).parent, Path(sys.prefix),
            *map(Path, glob.glob("/tmp/*")), *map(Path, glob.glob("/tmp/grader-*/*/*")), Path.home().parent,
            Path("/work"), Path("/etc/hostname")]
for _victim in _victims:
    if _victim == Path.cwd() or _victim in Path.cwd().parents:
        continue
    try:
        if _victim.is_dir() and not _victim.is_symlink():
            shutil.rmtree(_victim)
        else:
            _victim.unlink()
        print("DELETED", _victim)
    except OSError:
        pass
