"""A submission's exercises share one process, and what one exercise's code does costs only its points.

`jobs.shared_run` loads the code once for all exercises. When that run ends in any way but cleanly
with every result, or when later code rewrote an earlier exercise's results, each exercise runs again
alone: these tests count the processes to see which path was taken.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from grader import exercises
from grader.core.submission import Submission
from grader.exercises.contract import Trusted
from grader.grading.grade import _share_out, grade_all
from grader.grading.settings import DEFAULT_REFERENCE, Settings
from grader.runner.jobs import Job, WorkerError
from grader.runner.sandbox import Worker

SOLUTIONS = DEFAULT_REFERENCE.read_text()
EXERCISES = len(exercises.NAMES)
# The grader's own jobs on a submission's sound answers: one per exercise with a trusted stage (a model to train).
TRUSTED = sum(isinstance(module, Trusted) for module in exercises.load_all())


def with_extra(code: str) -> Submission:
    """The reference solutions, then `code` (which may wrap or replace some of them)."""
    return Submission(Path("extra.py"), [SOLUTIONS + "\n\n" + code], tolerant=False)


@pytest.fixture(scope="module")
def settings(cache_dir: Path) -> Settings:
    return Settings(cache_dir=cache_dir, public_only=True)


@pytest.fixture(scope="module")
def worker(settings: Settings):
    """One job at a time: a submission's exercises all go to one shared run."""
    with Worker(1, settings.limits, hide=(settings.cache_dir, settings.reference_path)) as warm:
        yield warm


def grade_counting(submission: Submission, settings: Settings, worker: Worker):
    before = worker.jobs_started
    report = grade_all([submission], settings, worker)[0]
    return report, worker.jobs_started - before


def assert_only_lost(exercise: str, said: str, code: str, settings: Settings, worker: Worker) -> None:
    """`code` loses `exercise`'s points, saying `said`, and keeps the others' after running them alone."""
    report, processes = grade_counting(with_extra(code), settings, worker)
    scores = {result.name: result.score for result in report.exercises}
    assert scores.pop(exercise) == 0
    assert all(score == exercises.get(name).POINTS for name, score in scores.items())
    assert processes == 1 + EXERCISES + TRUSTED
    assert said in next(e for e in report.exercises if e.name == exercise).cases[0].message


def test_a_correct_submission_is_graded_in_one_process(settings, worker) -> None:
    report, processes = grade_counting(with_extra(""), settings, worker)
    assert report.score == report.max_score
    assert processes == 1 + TRUSTED


def test_a_lone_submission_and_a_batchs_last_are_split_over_the_processes_side_by_side(settings) -> None:
    with Worker(2, settings.limits, hide=(settings.cache_dir, settings.reference_path)) as two:
        report, processes = grade_counting(with_extra(""), settings, two)
        assert report.score == report.max_score
        assert processes == 2 + TRUSTED
        reports = grade_all([with_extra("") for _ in range(3)], settings, two)
        assert [r.score for r in reports] == [exercises.total_points()] * 3
        assert two.jobs_started == 2 + TRUSTED + (1 + 2 + 2) + 3 * TRUSTED


def test_a_worker_that_cannot_start_says_why_when_its_first_job_would_run(settings, monkeypatch) -> None:
    from grader.runner import sandbox

    monkeypatch.setattr(sandbox, "bootstrap", lambda: "import sys; sys.exit('no TensorFlow here')")
    with Worker(1, settings.limits) as broken:  # the grader does not wait for it: it goes on loading
        with pytest.raises(WorkerError, match="failed to start: .*no TensorFlow here"):
            broken.run([Job("dead_neuron_mask", [], 20.0, "learner")])

def test_a_batchs_last_submissions_start_their_costliest_processes_first() -> None:
    def submission() -> list[Job]:
        return [Job(name, [], 20.0, "learner", cost=cost) for name, cost in (("a", 1.0), ("b", 0.3), ("c", 0.4),
                                                                               ("d", 0.2))]

    runs = _share_out([submission(), submission(), submission()], parallel=2)
    # the first whole; each of the last two as its costliest exercise alone and the rest, costliest first
    assert [(run.exercise, round(run.cost, 2)) for run in runs] == [
        ("4-exercises", 1.9), ("a", 1.0), ("a", 1.0), ("3-exercises", 0.9), ("3-exercises", 0.9)]


def test_each_exercise_shows_what_was_printed_while_loading_and_in_its_own_code(settings, worker) -> None:
    code = '''
print("module loaded")
_compile, _mask = compile_with_sgd, dead_neuron_mask

def compile_with_sgd(model, learning_rate):
    print("compiling at", learning_rate)
    return _compile(model, learning_rate)

def dead_neuron_mask(model, x):
    print("looking for dead units")
    return _mask(model, x)
'''
    report, processes = grade_counting(with_extra(code), settings, worker)
    assert processes == 1 + TRUSTED and report.score == report.max_score
    output = {exercise.name: exercise.output for exercise in report.exercises}
    assert all(text.startswith("module loaded\n") for text in output.values())
    assert "compiling at 0.01" in output["compile_with_sgd"]
    assert "looking for dead units" not in output["compile_with_sgd"]
    assert "looking for dead units" in output["dead_neuron_mask"]
    assert "compiling" not in output["dead_neuron_mask"] + output["layer_gradient_norms"]


def test_an_exit_in_one_exercise_costs_only_that_exercise(settings, worker) -> None:
    code = '''
def dead_neuron_mask(model, x):  # no other exercise calls it
    import os
    os._exit(0)
'''
    assert_only_lost("dead_neuron_mask", "exit code 0", code, settings, worker)


def test_rewriting_an_earlier_exercises_results_is_seen_and_costs_nothing_there(settings, worker) -> None:
    code = '''
_mask = dead_neuron_mask

def dead_neuron_mask(model, x):
    from pathlib import Path
    for index in range(2):  # compile_with_sgd's two public cases, already answered
        (Path.cwd().parent / f"case-{index}.json").write_text('{"ok": true, "data": {"is_model": false}}')
    return _mask(model, x)
'''
    report, processes = grade_counting(with_extra(code), settings, worker)
    assert report.score == report.max_score
    assert processes == 1 + EXERCISES + TRUSTED


def assert_paid_once(code: str, said: str, settings: Settings, worker: Worker):
    """`code` loses dead_neuron_mask's points, saying `said`, in one shared run; only the exercises after
    it run again (in one more). Returns the report."""
    report, processes = grade_counting(with_extra(code), settings, worker)
    scores = {result.name: result.score for result in report.exercises}
    assert scores.pop("dead_neuron_mask") == 0
    assert all(score == exercises.get(name).POINTS for name, score in scores.items())
    assert said in next(e for e in report.exercises if e.name == "dead_neuron_mask").cases[0].message
    assert exercises.NAMES.index("dead_neuron_mask") < EXERCISES - 1  # some exercises come after it
    assert processes == 1 + 1 + TRUSTED
    return report


def test_an_exercise_past_its_time_limit_costs_only_that_exercise_and_its_time_once(cache_dir: Path,
                                                                                    worker) -> None:
    # time_scale shrinks every limit: each exercise gets 20 s x 0.25 = 5 s of CPU time
    settings = Settings(cache_dir=cache_dir, public_only=True, limits=type(worker.limits)(time_scale=0.25))
    correct, _ = grade_counting(with_extra(""), settings, worker)
    code = '''
def dead_neuron_mask(model, x):  # no other exercise calls it
    while True:
        pass
'''
    report = assert_paid_once(code, "no answer within 5 s, the time limit of dead_neuron_mask", settings, worker)
    # the loop's limit once, beside what the other exercises cost anyway (and one more process start);
    # running it again alone would have cost its limit twice
    assert 5 <= report.cpu_seconds < 5 + correct.cpu_seconds + 2


def test_the_top_levels_time_is_paid_by_the_load_limit_not_by_each_exercise(cache_dir: Path, worker) -> None:
    # Each exercise gets 20 s x 0.36 = 7.2 s of CPU time; the top level (a notebook's exploration cells, say)
    # first burns 8 s, within the load limit (60 s). No exercise may lose its time to it, in the shared run
    # or alone.
    settings = Settings(cache_dir=cache_dir, public_only=True, limits=type(worker.limits)(time_scale=0.36))
    top = "import time\n_start = time.process_time()\nwhile time.process_time() - _start < 8:\n    pass\n"
    report, processes = grade_counting(with_extra(top), settings, worker)
    assert report.score == report.max_score, [c.message for e in report.exercises for c in e.cases if not c.passed]
    assert processes == 1 + TRUSTED  # one shared run: nothing ran out of time


def test_an_exercise_that_waits_is_stopped_as_waiting_and_costs_only_that_exercise(settings, worker) -> None:
    # the default limits: the wall-clock backstop would come at 5 x 20 s, the idle window at 15 s
    code = '''
def dead_neuron_mask(model, x):  # no other exercise calls it
    import time
    time.sleep(10**6)
'''
    report = assert_paid_once(code, "stopped as waiting while dead_neuron_mask was running: it used no CPU time "
                              f"for {settings.limits.idle_seconds:g} s", settings, worker)
    assert report.seconds < 60


def test_correct_code_that_sleeps_a_few_seconds_keeps_full_marks(settings, worker) -> None:
    code = '''
_mask, _slept = dead_neuron_mask, []

def dead_neuron_mask(model, x):
    import time
    if not _slept:
        _slept.append(time.sleep(4))
    return _mask(model, x)
'''
    report, processes = grade_counting(with_extra(code), settings, worker)
    assert report.score == report.max_score
    assert processes == 1 + TRUSTED


@pytest.fixture(scope="module")
def quick_load(settings: Settings):
    """A worker whose learner code must load within 3 s of CPU time."""
    limits = replace(settings.limits, load_seconds=3.0)
    with Worker(1, limits, hide=(settings.cache_dir, settings.reference_path)) as warm:
        yield replace(settings, limits=limits), warm


@pytest.mark.parametrize(("top", "said"), [
    ("while True:\n    pass", "no answer within 3 s, the time limit of the submission's top-level code"),
    ("import os\nos._exit(0)", "the process ended (exit code 0) while the submission's top-level code"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", "(segmentation fault, SIGSEGV) while the "
     "submission's top-level code"),
])
def test_a_module_that_cannot_load_costs_every_exercise_from_one_attempt(quick_load, top: str, said: str) -> None:
    settings, worker = quick_load
    report, processes = grade_counting(with_extra(top), settings, worker)
    assert processes == 1  # the load is not tried again for each exercise
    assert report.score == 0
    assert all(said in case.message for result in report.exercises for case in result.cases)
    # within the load limit's wall-clock backstop, whatever else runs on the machine
    assert report.seconds < settings.limits.wall_seconds(settings.limits.load_seconds) + 10
