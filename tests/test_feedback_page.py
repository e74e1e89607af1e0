"""The HTML feedback page, rendered by a real headless browser: not blank, every picture loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from grader import html
from grader.grading import Settings, grade
from grader.submission import load

REPO = Path(__file__).resolve().parent.parent
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root and offline, Chromium needs no sandbox of its own and must not try its background services.
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def page_path(cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feedback") / "attempt.html"
    html.write(grade(load(ATTEMPT), Settings(cache_dir=cache_dir)), path)
    return path


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
def test_a_real_browser_renders_it_with_every_image_loaded(page_path: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "page.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_path.as_uri())
            loaded = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert len(loaded) >= 3 and all(loaded)
    assert not overflow, "the page is wider than a phone's screen"
    assert all(url.startswith(("file:", "data:")) for url in requests)
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.std() > 0.05, "the screenshot is blank"
    assert np.mean(pixels[..., :3].std(axis=2) > 0.1) > 0.001, "the screenshot has no colour: pictures missing"
