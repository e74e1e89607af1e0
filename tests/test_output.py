"""What a learner's code printed, as the feedback shows it: TensorFlow's and absl's own log lines folded into
one line that counts them, the learner's own prints kept as they were, and a long output cut with a note."""

from __future__ import annotations

from pathlib import Path

from grader.runner.jobs import Job
from grader.runner.printed import read_output

RETRACING = ("WARNING:tensorflow:5 out of the last 5 calls to <function TensorFlowTrainer.make_predict_function."
             "<locals>.one_step_on_data_distributed at 0x7f3a2c1e8ae0> triggered tf.function retracing. Tracing "
             "is expensive and the excessive number of tracings could be due to (1) creating @tf.function "
             "repeatedly in a loop, (2) passing tensors with different shapes, (3) passing Python objects instead "
             "of tensors. For (1), please define your @tf.function outside of the loop. For (2), @tf.function has "
             "reduce_retracing=True option that can avoid unnecessary retracing.")
ABSL = "W0000 00:00:1764771234.567890   12345 op_level_cost_estimator.cc:699] Error in PredictCost() for the op"
CPP = "2026-12-03 14:02:11.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on."


def job_printing(tmp_path: Path, text: str, **outcome: int) -> Job:
    (tmp_path / "output.txt").write_text(text)
    return Job("layer_gradient_norms", [], 60, "learner", dir=tmp_path, outcome=dict(outcome))


def test_library_log_lines_fold_into_one_counted_line(tmp_path: Path) -> None:
    printed = "\n".join(["epoch 1 loss 0.9", RETRACING, CPP, "norms: [0.1, 0.2]", ABSL, RETRACING,
                         "WARNING: my own warning", ""])
    assert read_output(job_printing(tmp_path, printed)) == "\n".join(
        ["epoch 1 loss 0.9", "[4 TensorFlow/absl log lines not shown]", "norms: [0.1, 0.2]",
         "WARNING: my own warning", ""])


def test_the_learners_own_prints_are_unchanged_and_a_long_output_is_cut(tmp_path: Path) -> None:
    printed = "".join(f"row {i}\n" for i in range(2000))
    cut = f"\n[... {len(printed) - 4000} more bytes not shown]"
    assert read_output(job_printing(tmp_path, printed)) == printed[:4000] + cut
    shown = read_output(job_printing(tmp_path, RETRACING + "\n" + printed, output_bytes=len(printed) + 10_000))
    assert shown.startswith("[1 TensorFlow/absl log line not shown]\nrow 0\n")
    assert shown.endswith("; output is capped at " + str(len(RETRACING) + 1 + len(printed)) + " bytes per exercise "
                          "and the rest was discarded]")
