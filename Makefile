# Ravand's two entry points: `make run` (Ravand on its embedded default) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench install

$(BIN)/ravand: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/ravand

install: $(BIN)/ravand

run: install
	$(BIN)/ravand demo
	$(BIN)/ravand serve

test: install
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.engine
