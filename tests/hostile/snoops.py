"""Looks for everything it should not see (other jobs, the cache, the grader's process, root privileges) and prints what it finds; answers correctly."""
# expect: full
# never: FOUND
# needs: sandbox
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import glob
import os

_secrets = (glob.glob("/tmp/grader-*/jobs/*/*") + glob.glob("/tmp/grader-*/work/*/*")
            + glob.glob("/tmp/pytest-of-*/*/*") + glob.glob(os.path.expanduser("~/.cache/*"))
            + glob.glob("/root/.cache/*") + glob.glob("/root/*") + glob.glob("/home/*/*")
            + glob.glob("/work/*/solutions/*") + glob.glob("/work/*/tests/*"))
for _path in _secrets:
    try:
        with open(_path, "rb") as _handle:
            _handle.read(1)
        print("FOUND readable", _path)
    except OSError:
        pass
for _pid in [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
    for _what in ("environ", "mem", "root/etc/hostname"):
        try:
            with open(f"/proc/{_pid}/{_what}", "rb") as _handle:
                _handle.read(1)
            print("FOUND", _pid, _what)
        except OSError:
            pass
if "GRADER_SEED" in os.environ:
    print("FOUND the hidden cases' seed")
for _pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        with open(f"/proc/{_pid}/cmdline", "rb") as _handle:
            if b"--seed" in _handle.read():
                print("FOUND the hidden cases' seed on a command line")
    except OSError:
        pass
if len(os.sched_getaffinity(0)) != 1:
    print("FOUND more than one core")
import ctypes
import resource
import socket

if ctypes.CDLL(None, use_errno=True).syscall(425, 4, ctypes.create_string_buffer(120)) >= 0:
    print("FOUND io_uring, which seccomp cannot see into")
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind("\0grader-covert-channel")
    print("FOUND a socket")
except OSError:
    pass
try:
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("FOUND no memory limit")
except (OSError, ValueError):
    pass
for _attempt in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.chroot("/"),
                 lambda: os.sched_setaffinity(0, range(os.cpu_count()))):
    try:
        _attempt()
        print("FOUND root")
    except OSError:
        pass
