PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(VENV): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)

demo: $(VENV)
	$(BIN)/grader grade solutions/optimization.py
	$(BIN)/grader grade grader/examples/sample_attempt.py

test: $(VENV)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)
	$(BIN)/python benchmarks/grading_time.py

clean:
	rm -rf $(VENV)
