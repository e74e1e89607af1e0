PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs `alembic` from PATH: the venv's bin/ comes first, as after `. .venv/bin/activate`.
ACTIVATED := PATH="$(abspath $(BIN)):$$PATH"

.PHONY: demo test nbgrader-demo bench clean system-test system-demo

# System packages (.ci/system-packages installs the missing ones as root with apt-get, else stops at once
# with the command to run): the tests need the sandbox and a browser; the demos need the sandbox.
system-test:
	@PYTHON=$(PYTHON) .ci/system-packages python3-venv bubblewrap chromium

system-demo:
	@PYTHON=$(PYTHON) .ci/system-packages python3-venv bubblewrap

.venv: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)

demo: system-demo .venv
	$(BIN)/grader grade solutions/optimization.py
	$(BIN)/grader grade grader/examples/sample_attempt.py

# Every test runs: under make, a test that would be skipped (a missing tool) fails instead (tests/conftest.py).
test: system-test .venv
	$(BIN)/ruff check .
	GRADER_TESTS_SKIP_NOTHING=1 $(BIN)/python -m pytest

# The nbgrader course end to end in nbgrader-demo/: generate_assignment, autograde, generate_feedback.
nbgrader-demo: system-demo .venv
	rm -rf nbgrader-demo
	$(ACTIVATED) $(BIN)/python grader/examples/nbgrader_course.py nbgrader-demo

bench: .venv
	$(BIN)/python benchmarks/grading_time.py

clean:
	rm -rf $(VENV) nbgrader-demo
