"""The Linux worker's child shutting itself in before any learner code runs (Linux only).

Called by `grader.runner.child.run` in the child that `grader.runner.worker` forks, in this order:

- `isolate`: stdout and stderr go to a pipe the worker drains; stdin is /dev/null; every other
  descriptor closes; its own session;
- `limit_resources`: CPU time (the kernel's backstop to the worker's own count), address space (memory),
  file size, no core files (one CPU core is set by the worker);
- `confine`: it drops to the job's own user id (no capabilities, no supplementary groups), sets
  no_new_privs, and installs a seccomp filter that refuses new processes, exec, ptrace, sockets and
  signals to any other process (see `process_filter`).

Everything here needs Linux (prctl through the C library, seccomp, `resource`): the portable runner
(`grader.runner.portable`) never imports it.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import struct
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2


def isolate(output_fd: int) -> None:
    """Its own session; stdout and stderr to `output_fd`, stdin from /dev/null, no other descriptor."""
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


def limit_resources(limits: dict[str, int]) -> None:
    """CPU time, address space (memory), the largest file it may write, no core files."""
    cpu = limits.get("cpu_seconds")
    if cpu:
        # The kernel's backstop to the worker's own count: SIGXCPU a second past the limit, SIGKILL after.
        # RLIMIT_CPU counts from the process's start: a fork starts at 0, the portable runner's process
        # after importing TensorFlow.
        soft = int(time.process_time() + cpu) + 1
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


def confine(uid: int | None) -> None:
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
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by the change of user: set again after it
    prctl(PR_SET_DUMPABLE, 1)
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


def prctl(option: int, value: int) -> None:
    """prctl(2) with one argument (the worker's settings and the child's); raises OSError when it fails."""
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
