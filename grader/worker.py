"""A warm process that forks one child per job.

It imports TensorFlow and Keras once (2-3 s) and never runs a TensorFlow op itself, so each child it
forks starts warm and safe (TensorFlow's thread pools start in the child, not here). The grader sends
jobs as JSON lines on stdin and reads one JSON line per finished job on stdout.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from pathlib import Path

from grader import child, exercises


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by an import goes to stderr, never into the protocol
    import keras  # noqa: F401 - warm the imports the children need
    import tensorflow  # noqa: F401

    from grader import helpers  # noqa: F401

    exercises.load_all()
    protocol.write(json.dumps({"ready": True}) + "\n")
    running: dict[int, dict] = {}
    stdin_open = True
    buffer = b""
    while stdin_open or running:
        readable = []
        if stdin_open:
            readable, _, _ = select.select([0], [], [], 0.02)
        else:
            time.sleep(0.02)
        if readable:
            chunk = os.read(0, 65536)
            if not chunk:
                stdin_open = False
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.strip():
                    job = json.loads(line)
                    running[_start(job)] = job
        _reap(running, protocol)


def _start(job: dict) -> int:
    pid = os.fork()
    if pid == 0:
        os.setsid()
        child.run(Path(job["dir"]))  # never returns
    job["started"] = time.monotonic()
    return pid


def _reap(running: dict[int, dict], protocol) -> None:
    now = time.monotonic()
    for pid, job in list(running.items()):
        if now - job["started"] > job["timeout"] and not job.get("killed"):
            _kill_group(pid)
            job["killed"] = True
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            continue
        _kill_group(pid)  # whatever the child left running dies with it
        del running[pid]
        report = {"id": job["id"], "seconds": round(now - job["started"], 3),
                  "timed_out": bool(job.get("killed"))}
        if os.WIFSIGNALED(status):
            report["signal"] = signal.Signals(os.WTERMSIG(status)).name
        else:
            report["exit_code"] = os.WEXITSTATUS(status)
        protocol.write(json.dumps(report) + "\n")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    main()
