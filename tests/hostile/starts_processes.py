"""Tries every way to leave a process behind (daemon, setsid, raw fork syscall), and answers correctly."""
# expect: full
# never: ESCAPED
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import ctypes
import multiprocessing
import os
import subprocess


def _attempt(start):
    try:
        start()
        print("ESCAPED")
    except BaseException:
        pass


_attempt(lambda: subprocess.Popen(["sleep", "987654"], start_new_session=True))
_attempt(lambda: subprocess.Popen("nohup sleep 987653 &", shell=True))
_attempt(lambda: multiprocessing.Process(target=__import__("time").sleep, args=(987652,), daemon=False).start())
_attempt(lambda: os.posix_spawn("/bin/sleep", ["sleep", "987651"], os.environ))


def _double_fork():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            __import__("time").sleep(987650)
        os._exit(0)


_attempt(_double_fork)


def _raw_fork():
    pid = ctypes.CDLL(None, use_errno=True).syscall(57)  # fork(2) itself, on x86_64, past any Python hook
    if pid < 0:
        raise OSError(ctypes.get_errno(), "fork failed")
    if pid == 0:
        __import__("time").sleep(987649)


_attempt(_raw_fork)
