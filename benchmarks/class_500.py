"""A synthetic class graded through the Dask path: wall time, peak memory, and that nothing is lost.

The class (default 500 learners) is made of:

- every hostile submission of `tests/hostile/` once (loops, crashes, memory hogs, forgers...), with the
  reference functions they borrow filled in, one in every ten learners until the catalogue is used up;
- the full reference solutions, one in every ten;
- the rest cycling through the corpus (`grader/corpus/<exercise>/*.py`): each learner is the reference
  solutions with one exercise replaced by a corpus variant (right or wrong), as a learner with one
  mistake (or none) would be.

It starts a Dask scheduler and `--workers` Dask workers on this machine (`dask worker --nthreads 1`, each
keeping one warm grading worker), runs `grader batch CLASS --out OUT --scheduler ADDRESS`, samples the
summed resident memory of the batch, the scheduler and the workers (with every grading process under
them) every 0.2 s, and then checks that every learner has exactly one result (valid JSON, for the very
submission graded) and that every learner made of the reference solutions has full marks.

Run: `.venv/bin/python benchmarks/class_500.py [--learners 500] [--workers 2]` (the full class takes the
whole 2-core machine for about 15 minutes; validate with `--learners 30` first).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader import exercises  # noqa: E402
from grader.authoring import generate  # noqa: E402
from grader.grading.cache import default_cache_dir  # noqa: E402

HOSTILE = REPO / "tests" / "hostile"
CORPUS = REPO / "grader" / "corpus"
BIN = Path(sys.executable).parent


def reference_functions() -> dict[str, str]:
    return {name: "\n".join(line for line in text.splitlines() if "### " not in line)
            for name, text in generate.function_sources().items()}


def hostile_learners() -> dict[str, str]:
    """Each hostile file of the catalogue, its reference lines expanded as tests/test_hostile.py does."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_hostile import expanded_text

    return {f"hostile_{path.stem}{path.suffix}": expanded_text(path, port=9)
            for path in sorted(HOSTILE.glob("*.py")) + sorted(HOSTILE.glob("*.ipynb"))}


def corpus_learner(variant: Path, functions: dict[str, str]) -> str:
    """The reference solutions with `variant`'s exercise replaced by the variant (its imports first)."""
    exercise = variant.parent.name
    others = [functions[name] for name in exercises.NAMES if name != exercise]
    header = "import keras\nimport numpy as np\nimport tensorflow as tf\n\n"
    return header + "\n\n".join(others) + "\n\n" + variant.read_text()


def make_class(folder: Path, size: int) -> dict[str, bool]:
    """Writes `size` submissions into `folder`; returns {file stem: is made only of reference code}.

    Names keep the mix even along the batch's (sorted) order: a hostile one in every ten learners (until
    the catalogue is used up) and the full reference solutions in every ten, corpus variants between.
    """
    folder.mkdir(parents=True)
    functions = reference_functions()
    correct_source = "import keras\nimport numpy as np\nimport tensorflow as tf\n\n" + "\n\n".join(
        functions[name] for name in exercises.NAMES)
    hostile = list(hostile_learners().items())
    variants = sorted(CORPUS.glob("*/*.py"))
    learners: dict[str, tuple[str, bool]] = {}
    for index in range(size):
        if index % 10 == 0:
            learners[f"learner_{index:04d}_reference.py"] = (correct_source, True)
        elif index % 10 == 5 and hostile:
            name, text = hostile.pop(0)
            learners[f"learner_{index:04d}_{name}"] = (text, False)
        else:
            variant = variants[index % len(variants)]
            learners[f"learner_{index:04d}_{variant.parent.name}_{variant.stem}.py"] = (
                corpus_learner(variant, functions), False)
    for name, (text, _) in learners.items():
        (folder / name).write_text(text)
    return {name: correct for name, (_, correct) in learners.items()}


class MemorySampler:
    """The peak of the summed RSS of some processes and all their descendants, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.roots: list[int] = []
        self.peak = 0
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            total = 0
            for pid in list(self.roots):
                try:
                    root = psutil.Process(pid)
                    members = [root, *root.children(recursive=True)]
                except psutil.Error:
                    continue
                for member in members:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def start_cluster(tmp: Path, workers: int, sampler: MemorySampler) -> tuple[str, list[subprocess.Popen]]:
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
    scheduler_file = tmp / "scheduler.json"
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--no-dashboard", "--scheduler-file", str(scheduler_file)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    while not scheduler_file.exists():
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    for _ in range(workers):
        processes.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                                           "--no-dashboard", "--host", "127.0.0.1"], env=env, cwd=REPO,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    sampler.roots.extend(process.pid for process in processes)
    return address, processes


def check(folder: Path, out: Path, correct: dict[str, bool]) -> tuple[list[str], int, int]:
    """Problems among the results (unreadable, for another submission, reference code without full
    marks), how many learners have a result, and how many have full marks."""
    problems, graded, full = [], 0, 0
    for path in sorted(folder.iterdir()):
        result = out / f"{path.name}.json"
        if not result.exists():
            continue
        graded += 1
        try:
            stored = json.loads(result.read_text())
        except (OSError, ValueError) as error:
            problems.append(f"{path.name}: unreadable result ({error})")
            continue
        if stored.get("extra_data", {}).get("submission_sha256") != hashlib.sha256(path.read_bytes()).hexdigest():
            problems.append(f"{path.name}: the result is for another submission")
        maximum = stored.get("max_score", 0)
        if maximum and abs(stored["score"] - maximum) < 1e-6:
            full += 1
        elif correct[path.name]:
            problems.append(f"{path.name}: reference code scored {stored['score']}/{maximum}")
    return problems, graded, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (one thread, one grading job each)")
    parser.add_argument("--cache", type=Path, default=default_cache_dir(), help="reference-result cache")
    parser.add_argument("--dir", type=Path, help="work here and keep the class, its results and the batch's log "
                        "(batch.log, to follow its progress) instead of a temporary folder")
    parser.add_argument("--stop-after", type=float, metavar="S", help="stop the batch after S seconds and report "
                        "on what was graded by then (a partial run)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: the cluster still goes
    with tempfile.TemporaryDirectory(prefix="class-bench-") as tmp_name:
        tmp = args.dir or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        folder, out = tmp / "class", tmp / "results"
        correct = make_class(folder, args.learners)
        sampler = MemorySampler()
        address, cluster = start_cluster(tmp, args.workers, sampler)
        stopped = False
        try:
            started = time.perf_counter()
            with open(tmp / "batch.log", "w") as log:
                batch = subprocess.Popen([str(BIN / "grader"), "batch", str(folder), "--out", str(out), "--cache",
                                          str(args.cache), "--scheduler", address], cwd=REPO,
                                         stdout=subprocess.DEVNULL, stderr=log, text=True)
                sampler.roots.append(batch.pid)
                while batch.poll() is None:
                    if args.stop_after and time.perf_counter() - started > args.stop_after:
                        stopped = True
                        batch.terminate()
                        batch.wait()
                    time.sleep(1)
            seconds = time.perf_counter() - started
            stderr = (tmp / "batch.log").read_text()
        finally:
            peak = sampler.stop()
            for process in reversed(cluster):
                process.terminate()
            for process in cluster:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        problems, graded, full = check(folder, out, correct)
        hostile = [name for name in correct if "_hostile_" in name]
        hostile_graded = sum((out / f"{name}.json").exists() for name in hostile)
        load = os.getloadavg()
        print(f"learners: {args.learners} ({len(hostile)} hostile, {sum(correct.values())} reference, the rest "
              f"corpus variants); Dask workers: {args.workers}; batch exit code: {batch.returncode}"
              + (f" (stopped after {args.stop_after:g} s)" if stopped else ""))
        print(f"graded: {graded}/{args.learners} ({hostile_graded} of the hostile ones); full marks: {full}; "
              f"problems: {len(problems)}")
        print(f"wall: {seconds:.0f} s = {seconds / max(graded, 1):.2f} s per graded learner; "
              f"{seconds * args.workers / max(graded, 1):.2f} worker-seconds per learner")
        print(f"peak memory (summed RSS of batch, scheduler, workers and grading processes): {peak / 2**30:.2f} GiB")
        print(f"load average at the end (1, 5, 15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        for problem in problems:
            print("  " + problem)
        failed_lines = [line for line in stderr.splitlines() if line.startswith("FAILED")]
        print(f"FAILED lines from the batch (submissions that did not load): {len(failed_lines)}")
        if problems or (not stopped and (batch.returncode != 0 or graded != args.learners)):
            print(stderr[-3000:])
            sys.exit(1)


if __name__ == "__main__":
    main()
