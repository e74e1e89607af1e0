"""What the grader tells a learner when an exercise's process gave no answer (how the process ended) or
met an error that comes from the grader's confinement rather than from the code's logic."""

from __future__ import annotations

from grader.core.feedback import Crash
from grader.runner.child import LOAD_ERRORS
from grader.runner.jobs import Job

SHUT_IN_ERRORS = ("Operation not permitted", "Read-only file system", "Permission denied",
                  "Network is unreachable", "No space left on device", "File too large")


def shut_in_hint(error: dict[str, str]) -> str:
    """A hint for errors that come from the grader's confinement rather than from the code's logic."""
    if any(words in error.get("message", "") for words in SHUT_IN_ERRORS):
        return ("the grader runs your code shut in: it may not start processes or programs, use the network, "
                "or write outside its working directory (which is small); compute the answer in Python and "
                "return it")
    return ""


def no_answer(job: Job) -> Crash:
    """Why a case has no answer, from how the job's process ended."""
    outcome = job.outcome
    name = job.exercise
    at_top = job.kind == "learner" and job.dir is not None and not (job.dir / LOAD_ERRORS).exists()
    where = ("while the submission's top-level code was running, before " + name + " was called"
             if at_top else f"while {name} was running")
    memory = outcome.get("memory_bytes")
    memory_note = f" (the limit is {memory / 2**30:g} GiB)" if memory else ""
    if outcome.get("worker_died"):
        return Crash(f"the grader's worker stopped twice while running {name}, so it could not be graded",
                     "this is the grader's failure, not necessarily your code's: tell your instructor",
                     "grader-failure")
    if outcome.get("setup_error"):
        return Crash(f"the grader could not start {name}: {outcome['setup_error']}",
                     "this is the grader's failure, not your code's: tell your instructor", "grader-failure")
    if outcome.get("idle_seconds"):
        return Crash(f"stopped as waiting {where}: it used no CPU time for {outcome['idle_seconds']:g} s (sleeping, "
                     "or waiting for something that never came), so it could not answer",
                     ("look for time.sleep, input(), or a wait on a thread, a process or a file: the grader stops "
                      "code that waits instead of computing",
                      "an exercise computes its answer from its arguments alone: nothing needs to wait"), "waits")
    if at_top and outcome.get("load_timed_out"):
        return Crash(f"no answer within {outcome['load_limit']:g} s, the time limit of the submission's top-level "
                     f"code: it was stopped {where}",
                     "look for a loop that never ends, or training at the top level of the file: code outside "
                     "the functions runs when the file loads, before any exercise is graded", "top-level-time-out")
    if outcome.get("timed_out"):
        return Crash(f"no answer within {job.timeout:g} s, the time limit of {name}: it was stopped {where}",
                     ("look for a loop that never ends, or far more training than the case asks for",
                      "time one call of your function on the example in the notebook: it should take seconds; "
                      "print the epoch counts and loop bounds you use",
                      "train only what the case asks for: epochs=epochs once per model, no loop around fit "
                      "and no `while` that waits for the loss to reach a value"), "time-out")
    signal_name = outcome.get("signal")
    if signal_name == "SIGSEGV":
        return Crash(f"the process crashed (segmentation fault, SIGSEGV) {where}",
                     "a crash in native code: often recursion far deeper than Python allows (after "
                     "sys.setrecursionlimit), ctypes, or memory past the limit" + memory_note, "native-crash")
    if signal_name in ("SIGKILL", "SIGABRT", "SIGBUS"):
        return Crash(f"the process was stopped ({signal_name}) {where}, most likely for using more memory "
                     f"than allowed{memory_note}",
                     "look for arrays or lists far larger than the data, or for a model far too big",
                     "out-of-memory")
    if signal_name:
        return Crash(f"the process died ({signal_name}) {where}",
                     "a crash in native code, or memory past the limit" + memory_note, "native-crash")
    return Crash(f"the process ended (exit code {outcome.get('exit_code')}) {where}, before answering",
                 "do not call sys.exit, exit(), quit() or os._exit in a submission: return the answer instead",
                 "exits")
