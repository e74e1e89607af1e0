"""Which isolation the Linux worker gets, and the command lines that start grader processes.

The worker runs inside bubblewrap where it can (`bwrap`, Debian's package `bubblewrap`): a read-only
view of the Python environment and the grader package, without the rest of the disk (so without
`solutions/`, the corpus, the reference cache, other submissions, the home directory), without the
network, in its own PID namespace. Where bubblewrap is missing the grader says so once and keeps the other
defences; in a learner's install (no solutions to protect) it says only that there is no sandbox.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from grader.core import course, kernel
from grader.core.course import PACKAGE_DIR, SOLUTION_BEARING
from grader.core.limits import LIMIT
from grader.runner.jobs import WorkerError

# Environment variables the worker (and so learner code) may see; everything else is dropped.
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
              "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# What a learner's install (the learner bundle: no solutions) says in place of the warnings below.
LEARNER_NOTE = ("no sandbox here: your code runs as you, with your files and network, as when you run it "
                "yourself (this install holds no solutions, nothing to protect)")

_warned: set[str] = set()

def bwrap_path() -> str | None:
    """The bubblewrap executable, or None."""
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)),
                                         None)

def warn_once(key: str, message: str) -> None:
    """Prints `message` on stderr the first time `key` is seen in this process."""
    if key not in _warned:
        _warned.add(key)
        print(f"grader: {message}", file=sys.stderr, flush=True)

def learner_note() -> bool:
    """In a learner's install, says LEARNER_NOTE once (on stdout in a notebook, where stderr looks like an
    error; stderr elsewhere, away from the report); True there, False in an instructor's install."""
    if not course.learner_install():
        return False
    if "learner" not in _warned:
        _warned.add("learner")
        print(f"grader: {LEARNER_NOTE}", file=sys.stdout if kernel.in_notebook() else sys.stderr, flush=True)
    return True

def bootstrap(module: str = "grader.runner.worker") -> str:
    # Registers this very grader package (wherever it lives) without putting its parent directory on
    # sys.path, then runs `module` as __main__ (so `grader.platforms.notebook.inside_grader()` sees it).
    return ("import importlib.util, runpy, sys\n"
            f"p = {str(PACKAGE_DIR)!r}\n"
            "s = importlib.util.spec_from_file_location('grader', p + '/__init__.py', "
            "submodule_search_locations=[p])\n"
            "m = importlib.util.module_from_spec(s); sys.modules['grader'] = m; s.loader.exec_module(m)\n"
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n")

def _environment_roots() -> list[Path]:
    """Directories of the Python environment the worker needs, read-only in the sandbox."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))), *site.getsitepackages()}
    found = [Path("/usr")]
    for root in sorted((Path(r).resolve() for r in roots), key=lambda p: len(str(p))):
        if root.is_dir() and root != Path("/") and not any(root.is_relative_to(p) for p in found):
            found.append(root)
    return found[1:]


def bwrap_command(root: Path, hide: tuple[Path, ...] = (),
                  scratch_bytes: int = LIMIT["scratch_bytes"].default) -> list[str]:
    """The bubblewrap command line that runs the worker (before its own arguments)."""
    args = [bwrap_path() or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grader",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind-try", "/sys", "/sys"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             "--perms", "0755", "--tmpfs", "/dev/shm"]
    bound = [Path("/usr"), *_environment_roots(), PACKAGE_DIR]
    made: set[Path] = set()
    for path in bound[1:]:
        # bwrap would make the missing parents 0700, which the job's user could not cross.
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made and not any(parent.is_relative_to(b) for b in bound):
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    # What a learner could copy from, inside what is bound: solution-bearing parts of the package, and
    # whatever the caller hides (the reference cache, the reference solutions), when they lie inside.
    hidden = [PACKAGE_DIR / name for name in SOLUTION_BEARING] + [Path(p).resolve() for p in hide]
    hidden += [PACKAGE_DIR.parent / name for name in ("solutions", "source", "tests")]  # a checkout under /usr
    for path in hidden:
        if path.exists() and any(path.is_relative_to(b) for b in bound):
            args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    args += ["--bind", str(root), str(root), "--chdir", str(root)]
    return args

_sandbox_checked: dict[str, str] = {}

def _sandbox_works(root: Path) -> str:
    """'' when bubblewrap can run a program here (checked once per process), else why not."""
    key = bwrap_path() or ""
    if key not in _sandbox_checked:
        try:
            done = subprocess.run([*bwrap_command(root), "--", "/usr/bin/env", "true"], capture_output=True,
                                  timeout=30, stdin=subprocess.DEVNULL)
            why = "" if done.returncode == 0 else done.stderr.decode(errors="replace").strip()[-300:]
        except (OSError, subprocess.TimeoutExpired) as error:
            why = str(error)
        _sandbox_checked[key] = why or ""
    return _sandbox_checked[key]

def choose_isolation(mode: str, root: Path) -> str:
    """'bwrap' or 'none' for sandbox `mode`; says once per process, on stderr, why it is 'none'.

    Raises:
        WorkerError: `mode` is "bwrap" and bubblewrap cannot run here.
    """
    if mode == "off":
        if learner_note():
            return "none"
        warn_once("sandbox-off", "the sandbox is off (--no-sandbox): learner code can read the disk "
                  "(solutions included) and use the network")
        return "none"
    why = "bubblewrap (bwrap) is not installed" if not bwrap_path() else _sandbox_works(root)
    if not why:
        return "bwrap"
    if mode == "bwrap":
        raise WorkerError(f"the sandbox was required but cannot run: {why}")
    if learner_note():
        return "none"
    warn_once("sandbox-missing", f"running without the sandbox ({why}): learner code can read the disk "
              "(solutions included) and use the network. Install bubblewrap (apt-get install bubblewrap) to "
              "isolate it; the other defences stay on")
    return "none"
