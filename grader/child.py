"""What runs in a forked child: a submission's (or the reference's) code, on one exercise's cases or,
in a shared run (`run_parts`), on several exercises' cases in turn.

The child reads its job (as root, when the grader is root) from the job directory, which only root
can read, then shuts itself in before any learner code runs:

- stdout and stderr go to a pipe the worker drains; stdin is /dev/null; every other descriptor closes;
- its working directory is `<work>/scratch`, and HOME and TMPDIR point there;
- resource limits: address space (memory), file size, CPU time (the kernel's backstop to the worker's own
  count), no core files; one CPU core (set by the worker);
- it drops to the job's own user id (no capabilities, no supplementary groups), sets no_new_privs,
  and installs a seccomp filter that refuses new processes, exec, ptrace, sockets and signals to any
  other process (see `process_filter`).

It holds only the inputs of its cases: no expected value, no reference result, no seed. It writes one
results file per case into its work directory, as plain data; the worker copies them out after it ends.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import platform
import resource
import signal
import struct
import sys
import tempfile
import threading
import time
import traceback
import types
from pathlib import Path
from typing import Any

from grader import exercises, plain
from grader.case import Case

LOAD_ERRORS = "load_errors.json"

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
_exit = os._exit  # kept before learner code can replace os._exit (as are the watchdog's clocks and sleep)
_monotonic, _cpu, _sleep = time.monotonic, time.process_time, time.sleep
# Set in the worker's environment before TensorFlow loads. oneDNN's kernels hand work between threads
# that spin: on the one core a job is pinned to, a small model's fit took 0.29 s with them, 0.18 s
# without. Being in this file, it is part of the reference cache's key (grader/cache.py).
TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": ""}


# A shared run prints this line, "<mark> <index>] <digest>", before each part and once after the last:
# the digest is that of the results of the part before. Printed before later parts' code runs, it
# lets the grader see if that code rewrote earlier parts' results (sandbox.split_shared_run).
SECTION_MARK = "\x1e[grader: section"
# How a shared run's process ends when a part ran past its time (the worker then runs each part alone).
PART_TIMEOUT_EXIT = 3
# How a learner job's process ends when the code did not finish loading within the load limit
# (`Limits.load_seconds`): every exercise it runs gets its 0 from that one attempt.
LOAD_TIMEOUT_EXIT = 4


class CellTimeout(BaseException):
    """A notebook cell ran past its time; the next cells still run."""


def run(job_dir: Path, work: Path, output_fd: int, uid: int | None) -> None:
    """Runs the job of `job_dir` in `work`, as user `uid` when given, and exits; never returns."""
    code = 0
    try:
        _isolate(output_fd)
        job = plain.load(job_dir / "job.json")
        _enter(work, job["limits"])
        _confine(uid)
        _configure_tensorflow()
        if job.get("parts"):
            run_parts(job, work)
        else:
            load = job["limits"].get("load_seconds") if job["kind"] == "learner" else None
            watchdog = _Watchdog(job["limits"], load, LOAD_TIMEOUT_EXIT) if load else None
            function = _load_function(job, work)
            if watchdog:
                watchdog.stop()  # past loading, the worker enforces the job's own limit
            exercise = exercises.get(job["exercise"])
            for index, case_plain in enumerate(job["cases"]):
                _run_case(exercise, function, Case.from_plain(case_plain), work / f"case-{index}.json")
    except BaseException:  # noqa: BLE001 - the child reports everything and exits
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _exit(code)


def _isolate(output_fd: int) -> None:
    os.setsid()  # its own session: no controlling terminal to type into, its own process group
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.closerange(3, _max_fd())  # the worker's protocol, its stdin, other jobs' pipes and files
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process


def _max_fd() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if 0 < soft < 1 << 20 else 1 << 16


def _enter(work: Path, limits: dict[str, int]) -> None:
    scratch = work / "scratch"
    os.chdir(scratch)
    os.umask(0o077)
    os.environ.update(HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch))
    tempfile.tempdir = str(scratch)
    cpu = limits.get("cpu_seconds")
    if cpu:
        # The kernel's backstop to the worker's own count: SIGXCPU a second past the limit, SIGKILL after.
        soft = int(cpu) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    memory = limits.get("memory_bytes")
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    largest = limits.get("scratch_bytes")
    if largest:
        # Past this size a write fails instead of filling the disk (the sandbox's tmpfs is smaller anyway).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest, largest))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _confine(uid: int | None) -> None:
    """Drops to `uid` (when given), then no_new_privs and the seccomp filter, before any learner code."""
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (1024, 1024))  # counts this user's threads
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            raise RuntimeError("the child could not drop its privileges")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by the change of user: set again after it
    _prctl(PR_SET_DUMPABLE, 1)
    program = process_filter(os.getpid())
    if program is not None:
        buffer = ctypes.create_string_buffer(program)
        fprog = struct.pack("HxxxxxxP", len(program) // 8, ctypes.addressof(buffer))
        fprog_buffer = ctypes.create_string_buffer(fprog)
        if _libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot install the seccomp filter")


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return libc


def _prctl(option: int, value: int) -> None:
    if _libc().prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


# Syscall numbers and audit architectures for the seccomp filter.
_SYSCALLS = {
    "x86_64": dict(arch=0xC000003E, fork=57, vfork=58, clone=56, clone3=435, execve=59, execveat=322, kill=62,
                   tkill=200, tgkill=234, ptrace=101, process_vm_readv=310, process_vm_writev=311,
                   pidfd_open=434, pidfd_send_signal=424, pidfd_getfd=438, rt_sigqueueinfo=129,
                   rt_tgsigqueueinfo=297, unshare=272, setns=308, mount=165, umount2=166,
                   kcmp=312, perf_event_open=298, bpf=321, userfaultfd=323, socket=41, sched_setaffinity=203,
                   io_uring_setup=425, io_uring_enter=426, io_uring_register=427),
    "aarch64": dict(arch=0xC00000B7, clone=220, clone3=435, execve=221, execveat=281, kill=129, tkill=130,
                    tgkill=131, ptrace=117, process_vm_readv=270, process_vm_writev=271, pidfd_open=434,
                    pidfd_send_signal=424, pidfd_getfd=438, rt_sigqueueinfo=138, rt_tgsigqueueinfo=240,
                    unshare=97, setns=268, mount=40, umount2=39, kcmp=272, perf_event_open=241, bpf=280,
                    userfaultfd=282, socket=198, sched_setaffinity=122, io_uring_setup=425, io_uring_enter=426,
                    io_uring_register=427),
}
_DENIED = ("fork", "vfork", "execve", "execveat", "tkill", "ptrace", "process_vm_readv", "process_vm_writev",
           "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
           "unshare", "setns", "mount", "umount2", "kcmp", "perf_event_open", "bpf", "userfaultfd", "socket",
           "sched_setaffinity", "io_uring_setup", "io_uring_enter", "io_uring_register")
CLONE_THREAD = 0x10000
EPERM, ENOSYS = 1, 38


def process_filter(pid: int) -> bytes | None:
    """A seccomp BPF program for this process (None on an architecture it does not know).

    It refuses (EPERM) every way to start a process or program (fork, vfork, clone without
    CLONE_THREAD, execve), to reach another process (ptrace, process_vm_*, pidfd_*, signals to any pid
    but this one, sockets), to make namespaces or mounts, to leave the core the job is pinned to, and
    io_uring (whose operations would bypass this filter).
    clone3 gets ENOSYS so that the C library falls back to clone for threads, which stay allowed. Any
    other syscall is allowed.
    """
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None:
        return None
    ld, jeq, jset, jge, ret = 0x20, 0x15, 0x45, 0x35, 0x06
    allow, kill_process = 0x7FFF0000, 0x80000000
    errno_ret = 0x00050000
    program: list[tuple[int, int, int, int]] = []

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> None:
        program.append((code, jt, jf, k & 0xFFFFFFFF))

    op(ld, 4)                                  # architecture
    op(jeq, numbers["arch"], 1, 0)
    op(ret, kill_process)
    op(ld, 0)                                  # syscall number
    op(jge, 0x40000000, 0, 1)                  # x32 calls on x86_64
    op(ret, errno_ret | EPERM)
    for name in _DENIED:
        if name in numbers:
            op(jeq, numbers[name], 0, 1)
            op(ret, errno_ret | EPERM)
    op(jeq, numbers["clone3"], 0, 1)
    op(ret, errno_ret | ENOSYS)
    op(jeq, numbers["clone"], 0, 4)            # clone: threads only
    op(ld, 16)                                 # flags (low 32 bits of the first argument)
    op(jset, CLONE_THREAD, 0, 1)
    op(ret, allow)
    op(ret, errno_ret | EPERM)
    op(jeq, numbers["kill"], 0, 6)             # kill: this process (or its own group) only
    op(ld, 16)
    op(jeq, pid, 3, 0)
    op(jeq, 0, 2, 0)
    op(jeq, -pid, 1, 0)
    op(ret, errno_ret | EPERM)
    op(ret, allow)
    op(jeq, numbers["tgkill"], 0, 4)           # tgkill: threads of this process only
    op(ld, 16)
    op(jeq, pid, 1, 0)
    op(ret, errno_ret | EPERM)
    op(ret, allow)
    op(ret, allow)
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


def _configure_tensorflow() -> None:
    import tensorflow as tf

    # One thread per child: children run side by side, and small models gain nothing from more.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _load_function(job: dict[str, Any], work: Path):
    name = job["exercise"]
    if job["kind"] == "reference":
        module = types.ModuleType("reference_solutions")
        module.__file__ = job["reference_path"]
        source = job.get("reference_source")
        if source is None:
            spec = importlib.util.spec_from_file_location("reference_solutions", job["reference_path"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            sys.modules["reference_solutions"] = module
            exec(compile(source, job["reference_path"], "exec"), module.__dict__)  # noqa: S102 - trusted
        return getattr(module, name)
    namespace = _load_learner_code(job, work)
    return namespace if isinstance(namespace, BrokenModule) else namespace.get(name)


def _load_learner_code(job: dict[str, Any], work: Path) -> dict[str, Any] | BrokenModule:
    limits = job["limits"]
    namespace, errors = _run_cells(job["cells"], job["tolerant"], limits.get("cell_seconds", 0),
                                   limits.get("wall_factor", 1), work)
    if errors and not job["tolerant"]:
        return BrokenModule(errors[0])
    return namespace


def run_parts(job: dict[str, Any], work: Path) -> None:
    """Loads the learner's code once, then runs each part's cases (a shared run, `sandbox.shared_run`).

    The code must load within the load limit (CPU time, `Limits.load_seconds`), else the process ends
    (LOAD_TIMEOUT_EXIT) and every part gets its 0 from that one attempt. Each part may then take what it
    would have had alone: its time limit less the time the code took to load. Past that, a watchdog
    thread ends the process (PART_TIMEOUT_EXIT); the worker drops the shared run's results and runs each
    part alone, so a slow or stuck exercise costs only its own points. Times are the process's CPU time,
    with a wall-clock backstop `wall_factor` times larger (for code that sleeps or waits).
    """
    parts = job["parts"]
    limits = job["limits"]
    load = limits.get("load_seconds") or parts[0]["seconds"]
    started = _cpu()
    watchdog = _Watchdog(limits, min(load, parts[0]["seconds"]),
                         LOAD_TIMEOUT_EXIT if load <= parts[0]["seconds"] else PART_TIMEOUT_EXIT)
    namespace = _load_learner_code(job, work)
    loading = _cpu() - started
    first, previous = 0, range(0)
    for section, part in enumerate(parts):
        watchdog.restart(part["seconds"] - loading, PART_TIMEOUT_EXIT)
        _mark_section(section, results_digest(work, previous))
        name = part["exercise"]
        function = namespace if isinstance(namespace, BrokenModule) else namespace.get(name)
        previous = range(first, first + part["cases"])
        for index in previous:
            _run_case(exercises.get(name), function, Case.from_plain(job["cases"][index]),
                      work / f"case-{index}.json")
        first += part["cases"]
    _mark_section(len(parts), results_digest(work, previous))


def results_digest(directory: Path, indices: range) -> str:
    """A digest of the results files of cases `indices` in `directory` (what exists of them)."""
    digest = hashlib.sha256()
    for index in indices:
        for suffix in (".json", ".npz"):
            try:
                digest.update((directory / f"case-{index}{suffix}").read_bytes())
            except OSError:
                digest.update(b"-")
    return digest.hexdigest()


def _mark_section(index: int, digest: str) -> None:
    for stream in (sys.stdout, sys.stderr):  # what the previous part printed belongs to it
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - learner code may have replaced the streams
            pass
    os.write(1, f"\n{SECTION_MARK} {index}] {digest}\n".encode())


class _Watchdog:
    """Ends the process (with `code`) once it has used `seconds` of CPU time from now, or `wall_factor`
    times that in wall-clock time (code that sleeps or waits); no limit while `seconds` is None.

    CPU time is what the learner's code used, whatever else runs on the machine: a busy machine slows
    the code down but does not bring it closer to its limit.
    """

    def __init__(self, limits: dict[str, Any], seconds: float | None, code: int) -> None:
        self.factor = float(limits.get("wall_factor") or 1)
        self.restart(seconds, code)
        threading.Thread(target=self._watch, daemon=True).start()

    def restart(self, seconds: float | None, code: int) -> None:
        self.cpu_deadline, self.wall_deadline = float("inf"), float("inf")
        self.code = code
        if seconds is not None:
            self.cpu_deadline = _cpu() + seconds
            self.wall_deadline = _monotonic() + max(seconds, 0) * self.factor

    def stop(self) -> None:
        self.restart(None, self.code)

    def _watch(self) -> None:
        while True:
            left = min(self.cpu_deadline - _cpu(), self.wall_deadline - _monotonic())
            if left <= 0:
                _exit(self.code)
            _sleep(min(left, 0.25))  # the deadline may move: look again at least four times a second


class BrokenModule:
    """A module whose top level raised: as with a failed `import`, none of its functions count."""

    def __init__(self, error: dict[str, str]) -> None:
        self.error = error

    def result(self) -> dict[str, Any]:
        message = (f"{self.error['message']} (raised while the module was loading: as when `import` fails, "
                   "none of its functions can be used)")
        return {"ok": False, "error": {**self.error, "message": message}}


def _run_cells(cells: list[str], tolerant: bool, cell_seconds: int, wall_factor: float, work: Path
               ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Runs a submission's cells in one module namespace, as a notebook kernel or `import` would.

    A notebook's failing cell is recorded and the next cells still run, so an error in an exploration
    cell does not hide definitions after it; a cell that runs past `cell_seconds` of CPU time (or
    `wall_factor` times that in wall-clock time) is stopped. A module stops at its first error, as
    `import` does. The errors are written to `work/load_errors.json` once every cell ran.
    """
    module = types.ModuleType("submission")
    module.__file__ = str(Path.cwd() / "submission.py")
    sys.modules["submission"] = module
    errors = []
    for index, source in enumerate(cells):
        label = f"cell {index + 1}" if tolerant else "module"
        try:
            code = compile(source, f"<{label}>", "exec")
            with _cell_alarm(cell_seconds if tolerant else 0, wall_factor):
                exec(code, module.__dict__)  # noqa: S102 - running learner code is the point
        except BaseException as error:  # noqa: BLE001
            errors.append({"where": label, **describe(error)})
            if not tolerant:
                break
    plain.dump(errors, work / LOAD_ERRORS)
    return module.__dict__, errors


class _cell_alarm:
    """Raises CellTimeout in the cell after `seconds` of the process's CPU time (SIGPROF), or after
    `wall_factor` times that in wall-clock time (SIGALRM), whichever comes first."""

    def __init__(self, seconds: int, wall_factor: float) -> None:
        self.seconds = seconds
        self.wall = max(1, round(seconds * max(wall_factor, 1))) if seconds else 0

    def __enter__(self) -> None:
        if self.seconds:
            signal.signal(signal.SIGPROF, self._expire)
            signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_PROF, self.seconds)
            signal.alarm(self.wall)

    def __exit__(self, *exc: object) -> None:
        if self.seconds:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.alarm(0)

    def _expire(self, *_: object) -> None:
        raise CellTimeout(f"this cell ran longer than {self.seconds} s and was stopped")


def _run_case(exercise: types.ModuleType, function: Any, case: Case, result_path: Path) -> None:
    import keras

    if isinstance(function, BrokenModule):
        result = function.result()
    elif function is None:
        result = {"ok": False, "error": {"type": "NameError",
                                         "message": f"{case.exercise} is not defined",
                                         "traceback": ""}}
    else:
        keras.utils.set_random_seed(0)
        try:
            result = {"ok": True, "data": exercise.run(function, case)}
        except BaseException as error:  # noqa: BLE001 - a learner's error is a result
            result = {"ok": False, "error": describe(error)}
    try:
        plain.dump(result, result_path)
    except (TypeError, ValueError) as error:
        plain.dump({"ok": False, "error": describe(error)}, result_path)


def describe(error: BaseException) -> dict[str, str]:
    """An exception as plain data, the traceback cut to the learner's frames."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    learner = [line for line in lines if "/grader/" not in line and "site-packages" not in line]
    text = "".join(learner)
    return {"type": type(error).__name__, "message": str(error)[:2000], "traceback": text[-4000:]}
