"""The pictures of the feedback pages and the class summary, made to read at a glance on a desktop and on a
390 px phone: one size and type scale for every figure, integer ticks on the axes that count (epochs,
layers, depths, learners), and the reference drawn wide and pale under the learner's line, so that a line
that matches it does not hide it.

Sizes: a picture fills the page's width, at most 52rem (832 px) on a desktop and 324 px on a 390 px phone
(the page's and the section's padding). FIGSIZE at DPI makes it about 750 px wide, so the smallest text,
SMALLEST_FONT points, shows at about 9.5 px on that phone (tests/test_feedback_page.py measures it in a
browser) and at its own size on a desktop.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable
from typing import Any

FIGSIZE = (5.0, 3.3)  # inches, one panel
DPI = 150
SMALLEST_FONT = 10.5  # points: legends and tick labels
TITLE_WIDTH = 48  # characters per line of an axes' title
STYLE = {"font.size": 12, "axes.titlesize": 12, "axes.labelsize": 12, "xtick.labelsize": 11,
         "ytick.labelsize": 11, "legend.fontsize": SMALLEST_FONT, "lines.linewidth": 1.8}
REFERENCE_WIDTH = 6  # points: the reference line, drawn under the learner's


def import_in_background() -> None:
    """Imports matplotlib (0.5 s) on a thread of its own, for a process that draws later and meanwhile waits
    on other work (a batch, while learners' code runs): `png` then finds it imported."""
    threading.Thread(target=_import_pyplot, name="import-matplotlib", daemon=True).start()


def _import_pyplot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot


def png(draw: Callable[[Any], None], size: tuple[float, float] = FIGSIZE) -> bytes:
    """A PNG of the figure that `draw(figure)` fills, in the pictures' style; long titles are wrapped."""
    _import_pyplot()
    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):
        figure = plt.figure(figsize=size, dpi=DPI)
        try:
            draw(figure)
            for axes in figure.axes:
                if len(axes.get_title()) > TITLE_WIDTH:
                    axes.set_title(textwrap.fill(axes.get_title(), TITLE_WIDTH))
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", bbox_inches="tight")
        finally:
            plt.close(figure)
    return buffer.getvalue()


def counting(axis: Any) -> None:
    """Ticks at whole numbers only, for an axis that counts (epochs, layers, depths, learners)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def reference_line(axes: Any, x: Any, y: Any, color: str, label: str, marker: str = "") -> None:
    """The reference's line: wide and pale, under whatever is drawn over it."""
    axes.plot(x, y, marker=marker or None, linestyle="-", color=color, alpha=0.3, linewidth=REFERENCE_WIDTH,
              markersize=REFERENCE_WIDTH * 1.6, solid_capstyle="round", zorder=1, label=label)


def learner_line(axes: Any, x: Any, y: Any, color: str, label: str, marker: str = "") -> None:
    """The learner's line: thin and solid, over the reference's."""
    axes.plot(x, y, marker=marker or None, linestyle="-", color=color, zorder=3, label=label)


def legend(axes: Any) -> None:
    """The legend under the axes, two entries a row, so that it never covers a line."""
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
