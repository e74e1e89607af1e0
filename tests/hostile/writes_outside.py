"""Plants code where the next process would import it (sitecustomize, a .pth, the grader's own modules and bytecode) and files everywhere else it can think of; answers correctly."""
# expect: full
# never: WROTE
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import glob
import os
import site
import sys
from pathlib import Path

import grader

_package = Path(grader.__file__).resolve().parent
_plants = {
    *(Path(p) / "sitecustomize.py" for p in site.getsitepackages()),
    *(Path(p) / "zz_hostile.pth" for p in site.getsitepackages()),
    _package / "core" / "compare.py",
    _package / "core" / "__pycache__" / "compare.cpython-311.pyc",
    _package / "exercises" / "numpy.py",
    Path(sys.prefix) / "lib" / "numpy.py",
    Path("/tmp/sitecustomize.py"), Path("/tmp/hostile-was-here"), Path("/var/tmp/hostile-was-here"),
    Path("/dev/shm/hostile-was-here"), Path("/root/.bashrc"),
    Path("/etc/cron.d/hostile"), Path("/autograder/results/results.json"),
    *(Path(p) / "hostile-was-here" for p in glob.glob("/tmp/*")),
    *(Path(p) / "hostile-was-here" for p in glob.glob("/tmp/grader-*/*/*")),
}
for _plant in _plants:
    try:
        _plant.parent.mkdir(parents=True, exist_ok=True)
        with open(_plant, "a") as _handle:
            _handle.write("import os\nos.system('touch /tmp/pwned')\n")
        print("WROTE", _plant)
    except OSError:
        pass
