"""Copies a finished job's results out of its work directory, in a process of its own (`Collector`).

Only regular files of bounded size are copied (no links, pipes or devices), and `.npz` archives only when
they are uncompressed and hold plain arrays whose headers match their sizes: the grader then reads them
as plain data (grader/core/plain.py).
"""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import zipfile
from pathlib import Path

from grader.core import plain
from grader.runner import child
from grader.runner.confinement import PR_SET_PDEATHSIG, prctl

LOAD_ERRORS_CAP = 1024 * 1024


class Collector:
    """A process of its own that copies each finished job's results out of its work directory (`collect`).

    It is forked before TensorFlow loads and never forks a job: the results it reads (the reference's
    answers to hidden cases, other learners' answers) stay out of the memory that every job's child starts
    with. It is told only paths; it answers once each job's results are copied.
    """

    def __init__(self) -> None:
        requests, requests_end = os.pipe()
        replies_end, replies = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                os.dup2(os.open(os.devnull, os.O_RDWR), 0)
                for fd in {int(name) for name in os.listdir("/proc/self/fd")} - {0, 1, 2, requests, replies}:
                    try:
                        os.close(fd)  # the grader's protocol among them: the worker's end is seen as the worker's
                    except OSError:
                        pass
                with os.fdopen(requests, "r") as incoming, os.fdopen(replies, "w", buffering=1) as outgoing:
                    for line in incoming:
                        work, dest, cases = json.loads(line)
                        collect(Path(work), Path(dest), cases)
                        outgoing.write("done\n")
                code = 0
            finally:
                os._exit(code)
        os.close(requests)
        os.close(replies)
        self.requests = os.fdopen(requests_end, "w", buffering=1)
        self.replies = os.fdopen(replies_end, "r")

    def collect(self, work: Path, dest: Path, cases: int) -> None:
        """Copies the results of a job that has ended from `work` to `dest` (see `collect`)."""
        self.requests.write(json.dumps([str(work), str(dest), cases]) + "\n")
        if self.replies.readline() != "done\n":
            raise RuntimeError("the results collector has ended")  # the worker ends; the grader restarts it


def collect(work: Path, dest: Path, cases: int) -> None:
    """Copies the child's results from `work` to `dest`, only regular files of bounded size and plain data."""
    names = [(f"case-{i}{suffix}", cap) for i in range(cases)
             for suffix, cap in ((".json", plain.MAX_JSON_BYTES), (".npz", plain.MAX_NPZ_BYTES))]
    names.append((child.LOAD_ERRORS, LOAD_ERRORS_CAP))
    try:
        directory = os.open(work, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        for name, cap in names:
            data = read_regular(directory, name, cap)
            if data is None or (name.endswith(".npz") and not plain_npz(data)):
                continue
            fd = os.open(dest / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    finally:
        os.close(directory)


def read_regular(directory: int, name: str, cap: int) -> bytes | None:
    """The bytes of `name` in `directory` when it is a regular file (not a link) of at most `cap` bytes."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return None
        data = handle.read(cap + 1)
    return data if len(data) <= cap else None


def plain_npz(data: bytes) -> bool:
    """True when `data` is an uncompressed .npz of plain arrays whose headers match their sizes (the
    grader checks each member again as it reads it: `plain.check_member`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.compress_type != zipfile.ZIP_STORED:
                    return False
                plain.check_member(archive, info)
    except Exception:  # noqa: BLE001 - anything unreadable is refused
        return False
    return True
