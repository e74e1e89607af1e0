"""Every corpus variant gets the verdict it declares, with feedback that names the mistake."""

from __future__ import annotations

import pytest

from grader import exercises
from grader.authoring import selftest
from grader.grading.settings import DEFAULT_REFERENCE, Settings
from grader.output import report, summary
from grader.runner.sandbox import Worker


@pytest.fixture(scope="module")
def worker(cache_dir):
    with Worker(2, Settings().limits, hide=(cache_dir, DEFAULT_REFERENCE)) as warm:
        yield warm


@pytest.mark.parametrize("exercise", exercises.NAMES)
def test_every_variant_gets_its_declared_verdict(exercise: str, cache_dir, worker) -> None:
    outcomes = selftest.run((exercise,), Settings(cache_dir=cache_dir), worker=worker)
    wrong = [(o.variant.name, o.passed, o.feedback) for o in outcomes if not o.as_expected]
    assert not wrong, selftest.table(outcomes)
    # Each mistake the corpus declares is a common one: it comes with a ladder of hints, gentlest first.
    ladders = {r.mistake: r.hints for o in outcomes for e in o.report.exercises for r in e.cases if r.mistake}
    short = {o.variant.mistake: ladders[o.variant.mistake] for o in outcomes
             if not o.variant.expect_pass and len(ladders[o.variant.mistake]) < 3}
    assert not short, short
    # The class summary counts each wrong variant under the mistake it declares.
    tallies = summary.tally_mistakes([(o.variant.name, report.gradescope(o.report)) for o in outcomes])
    uncounted = [o.variant.name for o in outcomes if not o.variant.expect_pass
                 and o.variant.name not in tallies.named[(exercise, o.variant.mistake.split("/", 1)[1])].learners]
    assert not uncounted
    # and explains it once for the class (not with one learner's own diagnosis).
    assert not [o.variant.mistake for o in outcomes if not o.variant.expect_pass
                and not summary.class_view(exercise, o.variant.mistake.split("/", 1)[1])]


@pytest.mark.parametrize("exercise", exercises.NAMES)
def test_corpus_has_at_least_three_right_and_four_wrong_variants(exercise: str) -> None:
    found = selftest.variants((exercise,))
    assert sum(v.expect_pass for v in found) >= 3
    assert sum(not v.expect_pass for v in found) >= 4
