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
	@# the samples as a dataset, from the folder and from a zip (scans left out: cold OCR takes minutes)
	$(BIN)/baocao ingest samples --out out/dataset --workers 2 --exclude '*/scans/*' --resume
	$(BIN)/python -m zipfile -c out/samples.zip $(wildcard samples/*.txt samples/*.pdf)
	$(BIN)/baocao ingest out/samples.zip --out out/dataset-zip --workers 2 --resume
	$(BIN)/baocao query out/dataset "SELECT file, doc_type, ref, place, date, page_count, status FROM documents ORDER BY file"
	$(BIN)/baocao report out/dataset

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
