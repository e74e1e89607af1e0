"""Class grading throughput: `grader batch` against real `nbgrader autograde`, side by side.

On the same N submitted notebooks (the released notebook filled with the reference solutions, the
most compute a learner can cost) in a temporary nbgrader course:

1. `nbgrader autograde optimization` on all N (this course's configuration), warm reference cache,
   half of them before the batches and half after;
2. `grader batch submitted/ --workers 2`, `--workers 1`, then `--workers 2` again, each into a fresh
   output folder, the peak resident memory of the batch's whole process tree sampled every 0.1 s;
3. the learner's own functions on the same cases, called in one warm process (TensorFlow imported):
   the compute no grader can avoid, with TensorFlow's defaults (every core, then one) and on one core
   set up as a grading job is (`child.TENSORFLOW_ENV`: oneDNN off, which makes these small models
   faster).

It prints the speed-up over nbgrader, the scaling from 1 to 2 workers, and the grading time per
submission per worker over the learner's own compute.
The batch's fixed start-up (the worker's TensorFlow import, the summary's pictures: about 3 s) is
shared by the class, so a class too small would mostly measure it: the default, 24 learners, takes
about 5 minutes (most of it nbgrader).
Run: `.venv/bin/python benchmarks/batch_throughput.py [--learners 24]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_autograde import ASSIGNMENT, NOTEBOOK, VENV_BIN, build_course, environment, run

from grader.grading.cache import default_cache_dir


def peak_tree_memory(process: subprocess.Popen) -> list[int]:
    """Samples the summed RSS of `process` and its descendants until it ends; returns [peak bytes]."""
    peak = [0]

    def sample() -> None:
        try:
            root = psutil.Process(process.pid)
            while process.poll() is None:
                total = 0
                for member in [root, *root.children(recursive=True)]:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
                time.sleep(0.1)
        except psutil.Error:
            pass

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    return peak


def autograde(course: Path, students: list[str]) -> float:
    """Seconds for `nbgrader autograde` of `students`, one at a time."""
    started = time.perf_counter()
    for student in students:
        run(course, "nbgrader", "autograde", ASSIGNMENT, "--student", student)
    return time.perf_counter() - started


def timed_batch(course: Path, cache: Path, workers: int, label: str) -> tuple[float, int]:
    """Seconds for `grader batch` of the whole class into a fresh folder, and its peak memory (bytes)."""
    out = course / f"batch-{workers}-{label}"
    command = [str(VENV_BIN / "grader"), "batch", str(course / "submitted"), "--out", str(out),
               "--cache", str(cache), "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=course, env=environment(course), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = peak_tree_memory(process)
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"grader batch failed:\n{err}")
    return seconds, peak[0]


def learner_compute(notebook: Path, one_core: bool) -> float:
    """The submission's functions on every case (seed 0), in this warm process: seconds.

    With `one_core`, the process keeps to one core and one TensorFlow thread, as a grading worker does;
    without, TensorFlow uses every core.
    """

    import keras
    import tensorflow as tf

    if one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)

    from grader import exercises
    from grader.core.submission import load

    namespace: dict = {"__name__": "submission"}
    for cell in load(notebook).cells:
        try:
            exec(compile(cell, "<cell>", "exec"), namespace)  # noqa: S102 - our own reference notebook
        except Exception:  # noqa: BLE001 - exploration cells may fail here as in grading
            pass
    started = time.perf_counter()
    for module in exercises.load_all():
        for case in module.cases(0):
            keras.utils.set_random_seed(0)
            module.run(namespace[module.NAME], case)
    return time.perf_counter() - started


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--own-one":
        print(learner_compute(Path(sys.argv[2]), one_core=True))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=24)
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    parser.add_argument("--own", type=Path, help=argparse.SUPPRESS)  # internal: time one notebook's functions
    args = parser.parse_args()
    if args.own:
        # every core first, then one: setting TensorFlow's threads only works before its first op
        from grader.runner.child import TENSORFLOW_ENV

        every = learner_compute(args.own, one_core=False)
        one, as_job = (subprocess.run([sys.executable, __file__, "--own-one", str(args.own)], capture_output=True,
                                      text=True, check=True, env={**os.environ, **extra}).stdout.split()[-1]
                       for extra in ({}, TENSORFLOW_ENV))
        print(every, one, as_job)
        return
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        course = Path(tmp)
        warmup, *students = build_course(course, args.cache, args.learners + 1)
        run(course, "nbgrader", "autograde", ASSIGNMENT, "--student", warmup)  # warms the cache
        # This machine's speed drifts by 10-20% over minutes: the runs are ordered so that a steady drift
        # cancels (nbgrader's first half, 2 workers, 1 worker, 2 workers, nbgrader's second half).
        half = len(students) // 2
        nbgrader_seconds = autograde(course, students[:half])
        two_before, two_peak = timed_batch(course, args.cache, 2, "a")
        one, one_peak = timed_batch(course, args.cache, 1, "b")
        two_after, _ = timed_batch(course, args.cache, 2, "c")
        nbgrader_seconds += autograde(course, students[half:])
        two = (two_before + two_after) / 2
        # the batch grades the warm-up notebook too
        count = args.learners + 1
        notebook = course / "submitted" / warmup / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        own_cores = subprocess.run([sys.executable, __file__, "--own", str(notebook)], capture_output=True,
                                   text=True, check=True).stdout.split()
        own_all, own_one, own_job = (float(figure) for figure in own_cores[-3:])
    per_nbgrader = nbgrader_seconds / args.learners
    print(f"nbgrader autograde: {per_nbgrader:.2f} s per notebook ({args.learners} notebooks, warm cache)")
    print(f"grader batch, 1 worker:  {one / count:.2f} s per notebook ({count} notebooks), "
          f"peak memory {one_peak / 2**20:.0f} MiB")
    print(f"grader batch, 2 workers: {two / count:.2f} s per notebook (runs before and after 1 worker: "
          f"{two_before / count:.2f}, {two_after / count:.2f}), peak memory {two_peak / 2**20:.0f} MiB "
          f"({two_peak / 2 / 2**20:.0f} MiB per worker)")
    print(f"speed-up over nbgrader autograde (2 workers): {per_nbgrader / (two / count):.1f}x")
    print(f"scaling from 1 to 2 workers: {one / two:.2f}x")
    per_worker = two * 2 / count
    print(f"grading time per submission per worker: {per_worker:.2f} s")
    print(f"the learner's own functions in one warm process: {own_job:.2f} s on one core and thread set up as a "
          f"grading job (ratio {per_worker / own_job:.2f}); with TensorFlow's defaults {own_one:.2f} s on one core "
          f"and thread (ratio {per_worker / own_one:.2f}), {own_all:.2f} s on every core (ratio "
          f"{per_worker / own_all:.2f})")


if __name__ == "__main__":
    main()
