"""Runs a command and prints its wall time and the CPU time (user + system) of its whole process tree.

psutil samples every process of the tree every 0.1 s and keeps each one's last reading, so a process that
ends between two samples loses at most 0.1 s. Used for issue 19's bounds on a submission that loops or
sleeps (benchmarks/RESULTS.md):

    .venv/bin/python benchmarks/tree_cpu.py .venv/bin/grader grade FILE --seed 5 -q
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil


def main(command: list[str]) -> None:
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(process.pid)
    seen: dict[tuple[int, float], float] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for member in tree:
            try:
                times = member.cpu_times()
                seen[(member.pid, member.create_time())] = times.user + times.system
            except psutil.Error:
                pass
        time.sleep(0.1)
    print(f"wall {time.monotonic() - start:.1f} s, CPU of the process tree {sum(seen.values()):.1f} s, "
          f"{len(seen)} processes, exit {process.returncode}")


if __name__ == "__main__":
    main(sys.argv[1:])
