# `make run` sets everything up and starts the bot (console chat without TELEGRAM_BOT_TOKEN);
# `make test` runs the tests. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INDEX_DB ?= data/index.db
CORPUS_DIR ?= corpus

.PHONY: run test index bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	INDEX_DB=$(INDEX_DB) CORPUS_DIR=$(CORPUS_DIR) $(PY) -m bot

test: $(VENV)/.installed
	$(PY) -m pytest

index: $(VENV)/.installed
	$(PY) -m index build $(CORPUS_DIR) --db $(INDEX_DB)

bench: $(VENV)/.installed
	$(PY) benchmarks/facqa_retrieval.py

clean:
	rm -rf $(VENV) data .pytest_cache
