# Quick start: `make run` (extract the samples and score them against golden/), `make test`.
# Every target that runs code first runs scripts/setup.sh, which is quick when nothing changed.

VENV := .venv
BIN  := $(VENV)/bin

.PHONY: setup run test bench clean distclean

setup:
	bash scripts/setup.sh

run: setup
	$(BIN)/baocao extract samples -o out/samples
	$(BIN)/baocao eval out/samples golden
	$(BIN)/baocao eval out/samples golden/scans

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run.py

# Removes outputs and caches; keeps .venv (see distclean).
clean:
	rm -rf out build .pytest_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Also removes the virtualenv; the next `make setup` rebuilds it.
distclean: clean
	rm -rf $(VENV)
