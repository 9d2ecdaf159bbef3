# `make run` sets everything up and starts the bot (console chat without TELEGRAM_BOT_TOKEN);
# `make test` runs the tests. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test index bench clean

$(VENV)/.installed: pyproject.toml setup.py index/_bm25kernel.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m bot  # INDEX_DB, CORPUS_DIR… from the environment or .env (index/settings.py, bot/config.py)

test: $(VENV)/.installed
	$(PY) -m pytest

index: $(VENV)/.installed
	$(PY) -m index build

bench: $(VENV)/.installed
	$(PY) benchmarks/facqa_retrieval.py

clean:
	rm -rf $(VENV) data .pytest_cache
