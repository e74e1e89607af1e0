"""How long grading one submission takes, against the reference solutions' own compute.

Measures, on this machine:
1. `grader grade solutions/optimization.py` from a cold CLI start (a new process that imports nothing
   yet), every exercise, public and hidden cases, reference results already cached (as for every
   learner after the first in a class): median of 5 runs.
2. The same with an empty cache (the first learner of a class pays for the reference results).
3. The reference solutions alone on the same cases, called in one warm process (TensorFlow already
   imported): the compute that grading cannot avoid. Median of 5.

Run: `make bench` or `.venv/bin/python benchmarks/grading_time.py [--runs 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUBMISSION = REPO / "solutions" / "optimization.py"


def cli_seconds(cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "grade", str(SUBMISSION), "--cache", str(cache)],
                   check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def reference_alone_seconds(runs: int) -> list[float]:
    """Calls each reference function on each case in this process, as `grader grade` would in a child."""
    import importlib.util

    import keras

    from grader import exercises
    from grader.exercises.contract import Trusted

    spec = importlib.util.spec_from_file_location("reference", SUBMISSION)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        for module in exercises.load_all():
            for case in module.cases(0):
                keras.utils.set_random_seed(0)
                answer = module.run(getattr(reference, module.NAME), case)
                if isinstance(module, Trusted):  # the grader's own stage (it trains the model described)
                    module.run_trusted(module.trusted_case(case, answer))
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cold_cache = [cli_seconds(Path(tmp) / f"empty-{i}") for i in range(args.runs)]
        warm = Path(tmp) / "warm"
        cli_seconds(warm)
        warm_cache = [cli_seconds(warm) for _ in range(args.runs)]
    alone = reference_alone_seconds(args.runs)
    print(f"grade one submission, cold CLI, cached references: median {statistics.median(warm_cache):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in warm_cache)})")
    print(f"grade one submission, cold CLI, empty cache:       median {statistics.median(cold_cache):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cold_cache)})")
    print(f"reference solutions alone, warm process:           median {statistics.median(alone):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in alone)})")


if __name__ == "__main__":
    main()
