"""The HTML feedback page and the class summary, rendered by a real headless browser at a desktop's and a
phone's width: not blank, every picture loaded, no wider than the screen, its smallest text legible; and
the axes that count tick at whole numbers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from grader import exercises
from grader.core import pictures
from grader.core.results import Report
from grader.core.submission import load
from grader.grading.grade import grade
from grader.grading.settings import Settings
from grader.output import html, summary

REPO = Path(__file__).resolve().parent.parent
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root and offline, Chromium needs no sandbox of its own and must not try its background services.
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


# Axes that count things, by their label: their ticks must be whole numbers.
COUNTING = ("epoch", "layer", "unit", "total score", "submissions")
PHONE, DESKTOP = 390, 1280  # viewport widths, CSS px
LEGIBLE = 9.0  # CSS px: the smallest text a picture may show at either width


@pytest.fixture(scope="module")
def report(cache_dir: Path) -> Report:
    return grade(load(ATTEMPT), Settings(cache_dir=cache_dir))


@pytest.fixture(scope="module")
def page_path(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feedback") / "attempt.html"
    html.write(report, path)
    return path


def a_class(out: Path) -> list[SimpleNamespace]:
    """Nine learners' results files (Gradescope's shape) with scores spread over the range, and the batch's
    entries for them."""
    entries = []
    for learner in range(9):
        tests = [{"name": f"{name}: a case", "score": exercises.get(name).POINTS * ((learner * (i + 1)) % 3) / 2,
                  "max_score": exercises.get(name).POINTS,
                  "extra_data": {"status": "failed", "mistake": f"{name}/not-attempted"} if learner == i else {}}
                 for i, name in enumerate(exercises.NAMES)]
        path = out / f"learner_{learner}.json"
        path.write_text(json.dumps({"score": sum(t["score"] for t in tests), "tests": tests}))
        entries.append(SimpleNamespace(out=path))
    return entries


@pytest.fixture(scope="module")
def summary_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    summary.write(a_class(out), out)
    return out / "summary.html"


def drawn(draw) -> list:
    """The axes of a figure that `draw(figure)` fills, in the pictures' style."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    with plt.rc_context(pictures.STYLE):
        figure = Figure(figsize=pictures.FIGSIZE, dpi=pictures.DPI)
        draw(figure)
        figure.canvas.draw()  # ticks are placed when drawn
    return figure.axes


def test_axes_that_count_tick_at_whole_numbers(report: Report, tmp_path: Path) -> None:
    axes = [ax for result in report.exercises if (case := html.shown_case(result)) is not None
            for ax in drawn(lambda f, r=result, c=case: exercises.get(r.name).plot(f, c.case, c.got, c.expected))]
    out = tmp_path / "batch"
    out.mkdir()
    rows = [(p.stem, json.loads(p.read_text())["score"], summary.per_exercise(json.loads(p.read_text())))
            for p in (entry.out for entry in a_class(out))]
    axes += drawn(lambda figure: summary.draw(figure, rows))
    checked = []
    for ax in axes:
        for axis, label, limits in ((ax.xaxis, ax.get_xlabel(), ax.get_xlim()),
                                    (ax.yaxis, ax.get_ylabel(), ax.get_ylim())):
            if any(word in label for word in COUNTING):
                low, high = sorted(limits)
                ticks = [t for t in axis.get_ticklocs() if low <= t <= high]
                assert ticks and all(float(t).is_integer() for t in ticks), (label, ticks)
                checked.append(label)
    assert {"epoch", "hidden layers", "Dense layer (input side first)", "unit", "submissions"} <= set(checked)


def test_the_page_is_self_contained(page_path: Path) -> None:
    text = page_path.read_text()
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert text.count("data:image/png;base64,") >= 3


def test_the_sample_attempt_shows_loss_curves_unit_masks_and_gradient_norms(page_path: Path) -> None:
    text = page_path.read_text()
    for exercise in ("compare_learning_rates", "dead_neuron_mask", "layer_gradient_norms", "gradient_ratio_by_depth",
                     "trainable_deep_model"):
        section = text.split(f"<code>{exercise}</code>")[1].split("</section>")[0]
        assert "<img" in section, f"no picture for {exercise}"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_real_browser_renders_both_pages_legibly_on_a_desktop_and_a_phone(page_path: Path, summary_path: Path,
                                                                               tmp_path: Path) -> None:
    from matplotlib.image import imread
    from playwright.sync_api import sync_playwright

    smallest = pictures.SMALLEST_FONT * pictures.DPI / 72  # image pixels of the pictures' smallest text
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            for path, pictured in ((page_path, 3), (summary_path, 1)):
                for width in (DESKTOP, PHONE):
                    shot = tmp_path / f"{path.stem}-{width}.png"
                    page = browser.new_page(viewport={"width": width, "height": 844})
                    requests = []
                    page.on("request", lambda request, seen=requests: seen.append(request.url))
                    page.goto(path.as_uri())
                    images = page.evaluate("Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, "
                                           "i.getBoundingClientRect().width / i.naturalWidth])")
                    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                    page.screenshot(path=str(shot), full_page=True)
                    page.close()
                    where = f"{path.name} at {width} px"
                    assert len(images) >= pictured and all(loaded for loaded, _ in images), where
                    assert not overflow, f"{where}: wider than the screen"
                    assert all(url.startswith(("file:", "data:")) for url in requests), where
                    assert min(scale for _, scale in images) * smallest >= LEGIBLE, f"{where}: text too small"
                    pixels = imread(shot)
                    assert pixels.std() > 0.05, f"{where}: the screenshot is blank"
                    assert np.mean(pixels[..., :3].std(axis=2) > 0.1) > 0.001, f"{where}: no colour, pictures missing"
        finally:
            browser.close()
