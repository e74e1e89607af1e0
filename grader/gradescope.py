"""`grader gradescope build OUT.zip`: an autograder zip for Gradescope.

Gradescope unpacks the zip into /autograder/source, runs `setup.sh` once when the image is built, and
`run_autograder` for each submission (files in /autograder/submission), which must write
/autograder/results/results.json. Ours installs this package with its reference solutions and runs
`grader grade` on the submission. `AUTOGRADER_ROOT` moves /autograder (for tests).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INCLUDED = ("pyproject.toml", "README.md", "grader", "exercises", "solutions")

SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image.
set -euo pipefail
cd /autograder/source
python3 -m pip install --quiet .
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
cd "$ROOT/source"
exec python3 -m grader grade "$SUBMISSION" --json "$ROOT/results/results.json" \\
  --solutions "$ROOT/source/solutions/optimization.py" --cache "$ROOT/cache" ${GRADER_SEED:+--seed "$GRADER_SEED"} \\
  --show-hidden "${GRADER_SHOW_HIDDEN:-@SHOW_HIDDEN@}"
"""


def _files() -> list[Path]:
    found = []
    for name in INCLUDED:
        path = REPO / name
        if path.is_file():
            found.append(path)
        else:
            found += [p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
                      and not p.name.endswith(".pyc")]
    return found


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    archive.writestr(info, text)


def build(out: Path, show_hidden: str = "full") -> Path:
    """Writes the autograder zip to `out`: setup.sh and run_autograder at its top, the package beside.

    `show_hidden` (grader.visibility) is what learners see of hidden cases; $GRADER_SHOW_HIDDEN in the
    autograder's environment overrides it.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_script(archive, "setup.sh", SETUP_SH)
        _add_script(archive, "run_autograder", RUN_AUTOGRADER.replace("@SHOW_HIDDEN@", show_hidden))
        for path in _files():
            archive.write(path, path.relative_to(REPO).as_posix())
    return out
