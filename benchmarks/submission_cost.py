"""Where one submission's CPU time goes, beyond its learner's own code.

Grades the reference solutions (every exercise, public and hidden cases of seed 0) `--runs` times on one
warm worker, references read from the cache (as for every learner after a class's first), and prints
CPU seconds (user and system), which other work on the machine changes little:

- the grader's own process: cases, the cache, comparisons, the report (`time.process_time`);
- each job's process, by kind (the learner's shared run, the trusted stage), as the worker reports it;
- the same learner functions called on the same cases in one warm process, TensorFlow set up as in a
  job (one thread, oneDNN off): what any grader must pay; in all and by exercise.

Run: `.venv/bin/python benchmarks/submission_cost.py [--runs 3] [--cache DIR]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import exercises  # noqa: E402
from grader.core.submission import load  # noqa: E402
from grader.grading.cache import default_cache_dir  # noqa: E402
from grader.grading.grade import grade_all  # noqa: E402
from grader.grading.settings import DEFAULT_REFERENCE, Settings  # noqa: E402
from grader.runner import child  # noqa: E402
from grader.runner.sandbox import Worker  # noqa: E402


def functions_alone() -> dict[str, float]:
    """CPU seconds of the reference functions on the same cases in this process (TensorFlow warm), by
    exercise (drawing its cases included)."""
    os.environ.update(child.TENSORFLOW_ENV)
    import keras
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    spec = importlib.util.spec_from_file_location("reference", DEFAULT_REFERENCE)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    seconds = {}
    for module in exercises.load_all():
        started = time.process_time()
        for case in module.cases(0):
            keras.utils.set_random_seed(0)
            module.run(getattr(reference, module.NAME), case)
        seconds[module.NAME] = time.process_time() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    args = parser.parse_args()
    settings = Settings(cache_dir=args.cache)
    submission = load(DEFAULT_REFERENCE)
    worker = Worker(2, settings.limits, hide=(settings.cache_dir, settings.reference_path))
    grade_all([submission], settings, worker)  # references into the cache, if they were not
    real_run = worker.run
    by_kind: dict[str, list[float]] = defaultdict(list)

    def recording(jobs, on_done=None):
        def done(job):
            by_kind[job.kind + (" (shared run)" if job.parts else "")].append(job.outcome.get("cpu_seconds", 0.0))
            return on_done(job) if on_done else None
        real_run(jobs, done)

    worker.run = recording
    grader_cpu = []
    for _ in range(args.runs):
        started = time.process_time()
        grade_all([submission], Settings(cache_dir=args.cache, parallel=1), worker)
        grader_cpu.append(time.process_time() - started)
    worker.close()
    print(f"{args.runs} gradings of the reference solutions, references cached; CPU seconds per grading:")
    print(f"  the grader's process: {sum(grader_cpu) / args.runs:.2f}")
    for kind, values in sorted(by_kind.items()):
        print(f"  {kind} jobs: {sum(values) / args.runs:.2f} ({len(values) / args.runs:g} per grading)")
    alone = [functions_alone() for _ in range(args.runs)]
    print(f"  the learner's functions alone on the same cases, one warm process: "
          f"{min(sum(run.values()) for run in alone):.2f} (the least of {args.runs}); by exercise (the least of "
          f"each):")
    for name in alone[0]:
        print(f"    {name}: {min(run[name] for run in alone):.2f}")


if __name__ == "__main__":
    main()
