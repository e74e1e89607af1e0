PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

.venv: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)

demo: .venv
	$(BIN)/grader grade solutions/optimization.py
	$(BIN)/grader grade grader/examples/sample_attempt.py

test: .venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: .venv
	$(BIN)/python benchmarks/grading_time.py

clean:
	rm -rf $(VENV)
