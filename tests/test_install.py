"""The package as instructors and learners install it, outside the repository.

An sdist and a wheel (built from that sdist) of this repository; the wheel installed into a new venv in a
temporary folder shaped like Gradescope's /autograder, which is where the autograder's setup.sh keeps its
venv. From there, in a folder outside the repository: `grader grade`, `grader selftest` (one exercise's
corpus, to keep it cheap), `grader course`, `grader gradescope build`, then that zip's setup.sh (which
installs the zip's own wheel into the venv, once the first install is removed) and run_autograder, whose
results.json must hold `grader grade`'s score. One venv serves the whole module: the install is the cost
(about 60 s with pip's cache warm; building the sdist and wheel about 13 s).

Then the dependencies, as the learner bundle declares them for a laptop (with its `tensorflow` extra),
resolved by pip for each platform learners use (pip's `--platform` dry run, which needs the package
index). pip evaluates environment markers for the machine it runs on, not for `--platform`
(pypa/pip#11664), so the test evaluates the package's own markers for each platform and hands pip the
chosen requirements.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from grader.core import course
from grader.core.submission import load
from grader.grading.grade import grade
from grader.grading.settings import Settings
from grader.platforms import bundle, distribution

REPO = Path(__file__).resolve().parent.parent
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
PIP_TIMEOUT = 1200
# Learner code that copies the reference solution out of the installed package.
THIEF = """import pathlib

import grader


def compile_with_sgd(model, learning_rate):
    solutions = pathlib.Path(grader.__file__).parent / "instructor" / "solutions" / "optimization.py"
    namespace = {}
    exec(solutions.read_text(), namespace)
    return namespace["compile_with_sgd"](model, learning_rate)
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def total(report: str) -> float:
    """The score on the `Total` line of `grader grade`'s report."""
    return float(re.search(r"^Total\s+([\d.]+) /", report, re.MULTILINE).group(1))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it, as `python -m build` makes them."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=REPO, timeout=PIP_TIMEOUT)
    return out


@pytest.fixture(scope="module")
def autograder(dist: Path) -> Iterator[Path]:
    """An /autograder-shaped folder whose venv/ has the wheel installed (and nothing of the repository).

    Outside pytest's temporary folders, which only their owner may enter: as in a real install, the users
    the grader runs each job as must be able to reach the venv, so that only the sandbox keeps them from
    the reference solutions in it."""
    root = Path(tempfile.mkdtemp(prefix="grader-autograder-"))
    root.chmod(0o755)
    try:
        run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root)
        (wheel,) = dist.glob("*.whl")
        run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=root,
            timeout=PIP_TIMEOUT)
        yield root
    finally:
        # Some 30,000 files: removing them took 104 s on the loaded machine, which no test needs to wait for.
        subprocess.Popen(["rm", "-rf", "--", str(root)], start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


def outside_env(root: Path) -> dict[str, str]:
    """The environment of a shell with the venv on PATH: no GRADER_SEED, nothing of the repository."""
    env = {key: value for key, value in os.environ.items() if key not in ("GRADER_SEED", "PYTHONPATH")}
    env["PATH"] = f"{root / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["AUTOGRADER_ROOT"] = str(root)
    return env


def test_the_wheel_installs_the_grader_package_alone_with_the_course_files_inside(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zipped:
        names = zipped.namelist()
    assert {name.split("/")[0] for name in names} == {"grader", f"{wheel.name.split('-py3')[0]}.dist-info"}
    assert {f"grader/instructor/{name}" for name in course.COURSE_FILES} <= set(names)
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        inside = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {*course.COURSE_FILES, "setup.py", "pyproject.toml"} <= inside


def test_the_installed_grader_grades_and_passes_its_selftest_outside_the_repository(
        autograder: Path, cache_dir: Path, tmp_path: Path) -> None:
    env = outside_env(autograder)
    located = run(["python", "-c", "import grader.core.course as c; print(c.SOLUTIONS)"], cwd=tmp_path, env=env)
    assert Path(located.strip()).is_relative_to(autograder / "venv"), located
    (tmp_path / "attempt.py").write_text(ATTEMPT.read_text())
    run(["grader", "grade", "attempt.py", "--json", "results.json", "--cache", str(cache_dir)], cwd=tmp_path, env=env)
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == round(grade(load(ATTEMPT), Settings(cache_dir=cache_dir)).score, 6)
    (tmp_path / "thief.py").write_text(THIEF)
    thief = ["grader", "grade", "thief.py", "--exercise", "compile_with_sgd", "--cache", str(cache_dir)]
    hidden, shown = run(thief, cwd=tmp_path, env=env), run([*thief, "--no-sandbox"], cwd=tmp_path, env=env)
    assert total(hidden) == 0, hidden  # the sandbox hides grader/instructor/
    assert total(shown) > 0, shown  # which learner code can read without it
    report = run(["grader", "selftest", "--exercise", "compile_with_sgd", "--cache", str(cache_dir)], cwd=tmp_path,
                 env=env)
    assert "variants got the verdict they should" in report
    run(["grader", "course", "course"], cwd=tmp_path, env=env)
    assert (tmp_path / "course" / "nbgrader_config.py").read_bytes() == course.CONFIG.read_bytes()
    assert (tmp_path / "course" / "source" / "optimization" / "optimization.ipynb").read_bytes() == \
        course.NOTEBOOK.read_bytes()


def test_the_gradescope_zip_built_from_the_install_installs_and_grades_like_grader_grade(
        autograder: Path, cache_dir: Path, tmp_path: Path) -> None:
    env = outside_env(autograder)
    built = run(["grader", "gradescope", "build", "autograder.zip"], cwd=tmp_path, env=env)
    seed = int(re.search(r"hidden cases of seed (\d+)", built).group(1))  # drawn anew: no seed was given
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zipped:
        zipped.extractall(autograder / "source")
    # setup.sh must install the zip's wheel itself: the one installed above goes first (its dependencies stay).
    run(["python", "-m", "pip", "uninstall", "--quiet", "--yes", distribution.NAME], cwd=tmp_path, env=env)
    run(["bash", str(autograder / "source" / "setup.sh")], cwd=tmp_path, env=env, timeout=PIP_TIMEOUT)
    (autograder / "submission").mkdir()
    (autograder / "submission" / "attempt.py").write_text(ATTEMPT.read_text())
    (autograder / "cache").symlink_to(cache_dir)  # the references the other tests computed
    run(["bash", str(autograder / "source" / "run_autograder")], cwd=tmp_path, env=env)
    results = json.loads((autograder / "results" / "results.json").read_text())
    direct = grade(load(ATTEMPT), Settings(cache_dir=cache_dir, seed=seed))
    assert results["score"] == round(direct.score, 6)
    assert [t["name"] for t in results["tests"]] == [c.case.test_name for e in direct.exercises for c in e.cases]
    assert [t["score"] for t in results["tests"]] == [round(c.score, 6) for e in direct.exercises for c in e.cases]


# Marker values of each platform learners use, and the wheel tags pip may pick there. pip widens a macOS
# tag to older macOS releases itself, but takes a manylinux tag literally: every glibc from 2.17 is listed.
def manylinux(machine: str) -> list[str]:
    return [f"manylinux_2_{minor}_{machine}" for minor in range(17, 36)] + [f"manylinux2014_{machine}"]


# platform: (marker values, wheel tags, the TensorFlow distribution and how its wheel's name ends there)
PLATFORMS = {
    "macos-arm64": ({"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64",
                     "os_name": "posix"}, ["macosx_14_0_arm64"], "tensorflow", "_arm64.whl"),
    "windows-x86_64": ({"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
                        "os_name": "nt"}, ["win_amd64"], "tensorflow-cpu", "-win_amd64.whl"),
    "linux-x86_64": ({"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
                      "os_name": "posix"}, manylinux("x86_64"), "tensorflow-cpu", "_x86_64.whl"),
    "linux-aarch64": ({"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64",
                       "os_name": "posix"}, manylinux("aarch64"), "tensorflow", "_aarch64.whl"),
}


def learner_requirements(tmp_path: Path) -> list[str]:
    """What a laptop's install of the learner bundle asks for: its dependencies and its `tensorflow` extra
    (tests/test_bundle.py checks that they are the package's own, TensorFlow's and Keras' widened)."""
    import tomllib

    bundle.build(tmp_path / "learner.zip")
    with zipfile.ZipFile(tmp_path / "learner.zip") as zipped:
        project = tomllib.loads(zipped.read("pyproject.toml").decode())["project"]
    return project["dependencies"] + project["optional-dependencies"][bundle.TENSORFLOW_EXTRA]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_learner_bundle_dependencies_resolve_for_each_platform(platform: str, tmp_path: Path) -> None:
    markers, tags, tensorflow_name, wheel_end = PLATFORMS[platform]
    environment = {**default_environment(), **markers, "python_version": "3.11", "python_full_version": "3.11.9",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    chosen = []
    for line in learner_requirements(tmp_path):
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            chosen.append(str(requirement))
    assert [Requirement(r).name for r in chosen if r.startswith("tensorflow")] == [tensorflow_name], chosen
    report = tmp_path / "report.json"
    platforms = [arg for tag in tags for arg in ("--platform", tag)]
    run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
         *platforms, "--python-version", "3.11", "--implementation", "cp", "--target", str(tmp_path / "target"),
         "--quiet", "--report", str(report), *chosen], cwd=tmp_path, timeout=PIP_TIMEOUT)
    resolved = {canonicalize_name(item["metadata"]["name"]): item["download_info"]["url"].rsplit("/", 1)[-1]
                for item in json.loads(report.read_text())["install"]}
    assert resolved.get(tensorflow_name, "").endswith(wheel_end), resolved
    assert resolved.get("numpy", "").endswith(wheel_end), resolved  # compiled: a wheel for this platform
    assert {"keras", "scikit-learn", "matplotlib", "nbformat"} <= set(resolved)
