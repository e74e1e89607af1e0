"""A warm process that forks one child per job, and cleans up after each.

It imports TensorFlow and Keras once (2-3 s) and never runs a TensorFlow op itself, so each child it
forks starts warm and safe (TensorFlow's thread pools start in the child, not here). The grader sends
jobs as JSON lines on stdin and reads one JSON line per finished job on stdout.

For each job it:

- makes the child's work directory (`<root>/work/<id>`: in the sandbox a tmpfs of `scratch_bytes`,
  owned by a user id drawn for this job alone when the grader runs as root);
- forks the child (`grader.runner.child.run`), pinned to the least busy CPU core; its stdout and stderr are
  a pipe that this process drains, keeping the first `output_bytes` in `<root>/jobs/<id>/output.txt`
  and counting the rest (the kernel moves the bytes: `splice`);
- kills the child when its time is up: its CPU time (threads included) past the job's limit, its CPU
  clock standing still for the idle window (`idle_timeout`, a child that sleeps or waits:
  `clocks.IdleClock`), or the wall clock past the backstop (`wall_timeout`); once it has ended, kills
  every process left with its user id (or, without one, its process group and any orphan);
- has the results copied out of the work directory into `<root>/jobs/<id>/` (refusing links, devices,
  oversized files and archives that are not plain arrays), then removes the work directory.

Learner code never runs here: it runs in the child, after the child dropped its privileges. Nor does a
child find anything here it must not see: a forked child starts with a copy of this process's memory,
freed buffers included, so this process never holds what a job computed or printed. It reads no results
file (`Collector`, a process of its own started before TensorFlow loads, copies them) and no printed
byte (splice); it knows of a job only its paths and limits, never its inputs (the child reads its own
`job.json`), the hidden cases' seed or an expected value (the grader keeps those).
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import select
import shutil
import signal
import sys
import time
from pathlib import Path

from grader.runner import child, clocks
from grader.runner.collector import Collector
from grader.runner.confinement import (  # imported here once, before forking, for the children
    PR_SET_CHILD_SUBREAPER,
    PR_SET_DUMPABLE,
    PR_SET_PDEATHSIG,
    prctl,
)

MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MNT_DETACH = 2
# User ids for jobs, drawn at random so that graders running side by side never share one.
UID_RANGE = (1 << 30, (1 << 31) - 2)
READ_CHUNK = 1 << 20

_libc = ctypes.CDLL(None, use_errno=True)


class Running:
    """A job whose child is running (or has just ended)."""

    def __init__(self, job: dict, pid: int, uid: int | None, pipe: int, output: int) -> None:
        self.job = job
        self.pid = pid
        self.uid = uid
        self.pipe: int | None = pipe
        self.output = output
        self.kept = 0
        self.total = 0
        self.started = time.monotonic()
        self.killed = False
        self.core = -1
        self.pidfd: int | None = None
        self.idle = clocks.IdleClock(float(job.get("idle_timeout") or "inf"), self.started, 0.0)
        self.waiting = False  # stopped because it was waiting (its CPU clock stood still)


class JobHost:
    """The worker process's end of the pipe from the grader (whose end is `grader.runner.sandbox.Worker`): it
    reads jobs on stdin, forks a child for each, and writes one report per finished job."""

    def __init__(self, config: dict, protocol, collector: Collector) -> None:
        self.root = Path(config["root"])
        self.output_bytes = int(config["output_bytes"])
        self.scratch_bytes = int(config["scratch_bytes"])
        self.drop = bool(config["drop"])
        self.mount = bool(config["mount"])
        self.protocol = protocol
        self.running: dict[int, Running] = {}
        self.random = random.SystemRandom()
        self.cores = sorted(os.sched_getaffinity(0))
        self.collector = collector
        self.devnull = os.open(os.devnull, os.O_WRONLY)

    def loop(self) -> None:
        stdin_open = True
        buffer = b""
        while stdin_open or self.running:
            pipes = {run.pipe: run for run in self.running.values() if run.pipe is not None}
            # A child's pidfd becomes readable as it ends: it is reaped then, not at the next tick.
            ends = [run.pidfd for run in self.running.values() if run.pidfd is not None]
            readable, _, _ = select.select([*pipes, *ends, *([0] if stdin_open else [])], [], [], 0.05)
            for fd in readable:
                if fd == 0:
                    chunk = os.read(0, 65536)
                    if not chunk:
                        stdin_open = False
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        if line.strip():
                            self.start_or_report(json.loads(line))
                elif fd in pipes:
                    self.drain(pipes[fd])
            self.reap()
            self.enforce_timeouts()

    def start_or_report(self, job: dict) -> None:
        try:
            self.start(job)
        except OSError as error:
            self.remove_work(Path(job["work"]))
            self.protocol.write(json.dumps({"id": job["id"], "setup_error": str(error), "seconds": 0}) + "\n")

    def start(self, job: dict) -> None:
        job_dir, work = Path(job["dir"]), Path(job["work"])
        uid = self.random.randint(*UID_RANGE) if self.drop else None
        while uid is not None and any(run.uid == uid for run in self.running.values()):
            uid = self.random.randint(*UID_RANGE)
        os.mkdir(work, 0o700)
        if self.mount:
            self.mount_tmpfs(work, uid)
        scratch = work / "scratch"
        os.mkdir(scratch, 0o700)
        if uid is not None:
            for path in (work, scratch):
                os.chown(path, uid, uid)
        output = os.open(job_dir / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        read_end, write_end = os.pipe()
        core = self.least_busy_core()
        pid = os.fork()
        if pid == 0:
            try:
                os.sched_setaffinity(0, {core})  # a job that spawns busy threads slows only itself
                child.run(job_dir, work, write_end, uid)
            finally:
                os._exit(1)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self.running[pid] = Running(job, pid, uid, read_end, output)
        self.running[pid].core = core
        try:
            self.running[pid].pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pass  # an older kernel: the child is reaped at the loop's next tick

    def least_busy_core(self) -> int:
        busy = [run.core for run in self.running.values()]
        return min(self.cores, key=lambda core: (busy.count(core), core))

    def mount_tmpfs(self, work: Path, uid: int | None) -> None:
        options = f"size={self.scratch_bytes},nr_inodes=16384,mode=0700"
        if uid is not None:
            options += f",uid={uid},gid={uid}"
        if _libc.mount(b"tmpfs", os.fsencode(work), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC),
                       options.encode()) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"cannot mount the work directory: {os.strerror(error)}")

    def drain(self, run: Running) -> None:
        """Moves what the child printed to its output file (the head) or /dev/null (the rest, counted)
        inside the kernel: none of it passes through this process's memory, which later children copy."""
        room = self.output_bytes - run.kept
        try:
            moved = os.splice(run.pipe, run.output if room > 0 else self.devnull, room if room > 0 else READ_CHUNK,
                              flags=os.SPLICE_F_NONBLOCK)
        except BlockingIOError:
            return
        except OSError:
            moved = 0
        if not moved:
            os.close(run.pipe)
            run.pipe = None
            return
        run.total += moved
        run.kept += moved if room > 0 else 0

    def reap(self) -> None:
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None:
                return
            pid = info.si_pid
            run = self.running.pop(pid, None)
            if run is not None:
                self.kill(run)  # while the zombie holds its pid, its process group cannot be someone else's
            _, status, usage = os.wait4(pid, 0)
            if run is not None:
                self.finish(run, status, usage)

    def enforce_timeouts(self) -> None:
        now = time.monotonic()
        for run in self.running.values():
            wall = now - run.started
            if not run.killed and run.idle.waiting(now, cpu_seconds(run.pid)):
                run.waiting = True
            elif run.killed or wall <= run.job["timeout"]:
                continue  # pinned to one core, a child's CPU time cannot run ahead of the wall clock
            if (run.waiting or wall > run.job.get("wall_timeout", run.job["timeout"])
                    or cpu_seconds(run.pid) > run.job["timeout"]):
                run.killed = True
                try:
                    os.kill(run.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.kill(run)

    def kill(self, run: Running) -> None:
        """Kills whatever the job left: every process of its user id, else its group and orphans."""
        if run.uid is not None:
            kill_user(run.uid)
            return
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.kill_orphans()

    def kill_orphans(self) -> None:
        """Kills processes handed to this one (a subreaper) that are not a running job's child."""
        me = os.getpid()
        for _ in range(50):
            found = [pid for pid in _children(me) if pid not in self.running and pid != self.collector.pid]
            if not found:
                return
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def finish(self, run: Running, status: int, usage) -> None:
        job = run.job
        while run.pipe is not None:  # every writer is gone: read to the end
            before = run.total
            self.drain(run)
            if run.pipe is not None and run.total == before:
                os.close(run.pipe)
                run.pipe = None
        os.close(run.output)
        if run.pidfd is not None:
            os.close(run.pidfd)
        work = Path(job["work"])
        self.collector.collect(work, Path(job["dir"]), int(job.get("cases", 0)))
        self.remove_work(work)
        cpu = usage.ru_utime + usage.ru_stime
        # Past its CPU limit the kernel may have ended it first (RLIMIT_CPU: SIGXCPU, then SIGKILL): the
        # RLIMIT_CPU the child set is that limit's backstop, so a child ended by SIGXCPU ran out of time.
        ended_by_cpu_limit = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
        timed_out = run.killed or cpu > job["timeout"] or ended_by_cpu_limit
        report = {"id": job["id"], "seconds": round(time.monotonic() - run.started, 3), "timed_out": timed_out,
                  "cpu_seconds": round(cpu, 3), "output_bytes": run.total, "max_rss_kib": usage.ru_maxrss,
                  "uid": run.uid}
        if run.waiting:
            report["idle_seconds"] = run.idle.window
        if os.WIFSIGNALED(status):
            report["signal"] = signal.Signals(os.WTERMSIG(status)).name
        else:
            report["exit_code"] = os.WEXITSTATUS(status)
        self.protocol.write(json.dumps(report) + "\n")

    def remove_work(self, work: Path) -> None:
        if self.mount:
            _libc.umount2(os.fsencode(work), MNT_DETACH)
        shutil.rmtree(work, ignore_errors=True)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, every thread) process `pid` has used so far; 0 once it is gone."""
    try:
        return time.clock_gettime(((~pid) << 3) | 2)  # the process's CPU clock (clock_getcpuclockid)
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def kill_user(uid: int) -> None:
    """Kills every process of user `uid`, from a process that has become that user (so nothing else dies)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(1000):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry))
    return found


def main() -> None:
    config = json.loads(sys.argv[1])
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by an import goes to stderr, never into the protocol
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader gone, nothing here has a reason to go on
    prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of a job come here, to be killed
    prctl(PR_SET_DUMPABLE, 0)  # no job may trace this process or read its memory (nor the collector's)
    collector = Collector()  # before TensorFlow loads: a cheap fork, and one that never forks a job
    child.warm_up()
    host = JobHost(config, protocol, collector)
    protocol.write(json.dumps({"ready": True}) + "\n")
    host.loop()
    protocol.flush()
    os._exit(0)  # tearing TensorFlow down takes seconds and serves no one


if __name__ == "__main__":
    main()
