"""The clocks a job's code runs against, shared by the Linux worker and the child: when a process is
waiting (`IdleClock`), and a notebook cell's time limit (`cell_alarm`)."""

from __future__ import annotations

import _thread
import signal
import threading
from typing import Any

# A process that used less CPU time than this over its idle window (`Limits.idle_seconds`) is waiting.
IDLE_CPU_SECONDS = 0.05


class IdleClock:
    """Tells when a process has been waiting (sleeping, blocked) for `window` seconds: its CPU clock has
    advanced by less than IDLE_CPU_SECONDS over that much wall-clock time.

    Computing code is never idle, however busy the machine (on one core shared by a hundred busy
    processes it still gets far more than that); code that sleeps a few seconds within a window keeps
    going. The Linux worker samples each child's CPU clock (`grader.runner.worker`), the portable runner's
    child its own (`guard_job`).
    """

    def __init__(self, window: float, now: float, cpu: float) -> None:
        self.window, self.since, self.cpu = window, now, cpu

    def waiting(self, now: float, cpu: float) -> bool:
        """True once the CPU clock, read as `cpu` at `now`, has not advanced for the whole window."""
        if cpu - self.cpu >= IDLE_CPU_SECONDS:
            self.since, self.cpu = now, cpu
        return now - self.since >= self.window


class CellTimeout(BaseException):
    """A notebook cell ran past its time; the next cells still run."""


class cell_alarm:
    """Raises CellTimeout in a cell that runs past `seconds` of the process's CPU time, or `wall_factor`
    times that in wall-clock time (code that sleeps or waits); 0: no limit.

    With signals (Linux, macOS): ITIMER_PROF (SIGPROF) counts CPU time, SIGALRM the wall clock. Without
    them (Windows) a timer thread on the wall backstop interrupts the main thread as Ctrl-C would, its
    SIGINT handler raising CellTimeout instead of KeyboardInterrupt.
    """

    def __init__(self, seconds: int, wall_factor: float = 1, use_alarm: bool = hasattr(signal, "SIGALRM")) -> None:
        self.seconds = seconds
        self.wall = max(1, round(seconds * max(wall_factor, 1))) if seconds else 0
        self.use_alarm = use_alarm
        self._timer: threading.Timer | None = None
        self._previous: Any = None

    def __enter__(self) -> None:
        if not self.seconds:
            return
        if self.use_alarm:
            signal.signal(signal.SIGPROF, self._expire)
            signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_PROF, self.seconds)
            signal.alarm(self.wall)
            return
        self._previous = signal.signal(signal.SIGINT, self._expire)
        self._timer = threading.Timer(self.wall, _thread.interrupt_main)
        self._timer.daemon = True
        self._timer.start()

    def __exit__(self, *exc: object) -> None:
        if not self.seconds:
            return
        if self.use_alarm:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.alarm(0)
            return
        try:
            self._timer.cancel()
            self._timer.join()  # an interruption already on its way arrives here, still as CellTimeout
        finally:
            signal.signal(signal.SIGINT, self._previous)

    def _expire(self, *_: object) -> None:
        raise CellTimeout(f"this cell ran longer than {self.seconds} s and was stopped")
