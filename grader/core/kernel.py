"""Where the grader's own process runs: in a Jupyter or Colab kernel, or not (a leaf: imports no grader module)."""

from __future__ import annotations


def in_notebook() -> bool:
    """True in a Jupyter or Colab kernel, where rich output shows under the cell; False in a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
