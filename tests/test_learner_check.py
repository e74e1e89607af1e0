"""The learner's side: `check()` in an IPython session or a script, and the CLI's output modes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RIGHT = '''import keras

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''
WRONG = RIGHT.replace("SGD(learning_rate=learning_rate)", "Adam(learning_rate=learning_rate)")


def test_check_in_an_ipython_session_grades_the_cells_run_so_far(capsys) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("%matplotlib inline", store_history=True)
        shell.run_cell(WRONG, store_history=True)
        shell.run_cell(RIGHT, store_history=True)  # the later definition wins, as in the kernel
        shell.run_cell("undefined_name", store_history=True)  # an exploration cell that fails
        result = shell.run_cell("from grader import check\ncheck('compile_with_sgd')", store_history=True)
    finally:
        InteractiveShell.clear_instance()
    printed = capsys.readouterr().out
    assert result.result == 2.0, printed
    assert "compile_with_sgd" in printed and "FAIL" not in printed


def test_check_in_a_script_grades_the_script_and_does_not_recurse(tmp_path: Path) -> None:
    script = tmp_path / "attempt.py"
    script.write_text(WRONG + "\nfrom grader import check\nprint('POINTS', check('compile_with_sgd'))\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "your optimizer is Adam" in run.stdout
    assert "POINTS 0.0" in run.stdout


def test_quiet_prints_the_total_and_colour_is_for_terminals(tmp_path: Path) -> None:
    module = tmp_path / "attempt.py"
    module.write_text(WRONG)

    def check(*flags: str) -> str:
        return subprocess.run([sys.executable, "-m", "grader", "check", str(module), "--exercise", "compile_with_sgd",
                               *flags], capture_output=True, text=True, timeout=600, cwd=REPO).stdout

    assert check("--quiet").strip() == "0/2"
    piped = check()
    assert "\033[" not in piped and "FAIL" in piped
    assert "\033[31mFAIL" in check("--colour", "always")


INVERTED_MASK = '''import numpy as np

def dead_neuron_mask(model, x):
    masks, out = {}, x
    for layer in model.layers:
        out = layer(out)
        if layer.activation.__name__ == "relu":
            masks[layer.name] = np.any(np.asarray(out) > 0, axis=0)  # True for the live units: inverted
    return masks
'''


def test_check_in_a_jupyter_kernel_shows_the_picture_under_the_cell(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(INVERTED_MASK),
                nbformat.v4.new_code_cell("from grader import check\ncheck('dead_neuron_mask')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[1].outputs
    rich = [o for o in outputs if o.output_type == "display_data"]
    assert rich, outputs
    page = rich[0].data["text/html"]
    assert "data:image/png;base64," in page and "True marks a dead unit" in page
    assert "<code>dead_neuron_mask</code>" in page
    assert "True marks a dead unit" in rich[0].data["text/plain"]  # text for front ends without HTML
    assert not [o for o in outputs if o.output_type == "error"]


def test_the_same_check_in_a_script_prints_text_only(tmp_path: Path) -> None:
    script = tmp_path / "attempt.py"
    script.write_text(INVERTED_MASK + "\nfrom grader import check\ncheck('dead_neuron_mask')\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "True marks a dead unit" in run.stdout
    assert "data:image" not in run.stdout and "<section" not in run.stdout and "<img" not in run.stdout
