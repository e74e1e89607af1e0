"""`grader gradescope build OUT.zip`: an autograder zip for Gradescope.

Gradescope unpacks the zip into /autograder/source, runs `setup.sh` once when the image is built, and
`run_autograder` for each submission (files in /autograder/submission), which must write
/autograder/results/results.json. The zip holds this package's wheel, reference solutions inside
(grader/platforms/distribution.py): `setup.sh` installs it into a Python 3.11+ venv at /autograder/venv (and
bubblewrap, for the sandbox, when it can), and `run_autograder` runs that venv's `grader grade` with the
seed given at build time. `AUTOGRADER_ROOT` moves /autograder (for tests).
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
from pathlib import Path

from grader.platforms import distribution

SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image: the grader's wheel in a Python 3.11+ venv, and
# bubblewrap (the sandbox learner code runs in) when it is missing and apt-get can install it.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
PYTHON=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \\
      'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON="$candidate"; break
  fi
done
[ -n "$PYTHON" ] || missing+=(python3.11 python3.11-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    PYTHON="${PYTHON:-python3.11}"
  elif [ -z "$PYTHON" ]; then
    echo "setup.sh: needs Python 3.11 or newer with venv (apt-get install ${missing[*]})" >&2; exit 1
  fi
fi
[ -x "$ROOT/venv/bin/python" ] || "$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$ROOT"/source/*.whl
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Runs once per submission; writes $ROOT/results/results.json (Gradescope's shape).
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$ROOT/results"
SUBMISSION=$(find "$ROOT/submission" -maxdepth 2 \\( -name '*.py' -o -name '*.ipynb' \\) \\
             -not -name '.*' | sort | head -n 1)
if [ -z "$SUBMISSION" ]; then
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0, "execution_time": 0, "output": "No .py or .ipynb file was found in your submission.", "tests": []}
JSON
  exit 0
fi
cd "$ROOT"
exec "$ROOT/venv/bin/grader" grade "$SUBMISSION" --json "$ROOT/results/results.json" \\
  --cache "$ROOT/cache" --seed @SEED@ \\
  --show-hidden "${GRADER_SHOW_HIDDEN:-@SHOW_HIDDEN@}"
"""


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    archive.writestr(info, text)


def build(out: Path, seed: int, show_hidden: str = "full") -> Path:
    """Writes the autograder zip to `out`: setup.sh, run_autograder (grading with `seed`) and the wheel.

    `show_hidden` (grader.output.visibility) is what learners see of hidden cases; $GRADER_SHOW_HIDDEN in the
    autograder's environment overrides it.

    Raises:
        FileNotFoundError: the package is not installed, so no wheel can be made of it.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as scratch:
        wheel = distribution.build_wheel(Path(scratch))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            _add_script(archive, "setup.sh", SETUP_SH)
            script = RUN_AUTOGRADER.replace("@SEED@", str(int(seed))).replace("@SHOW_HIDDEN@", show_hidden)
            _add_script(archive, "run_autograder", script)
            archive.write(wheel, wheel.name)
    return out
