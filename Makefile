# An Sinh Link — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint translations serve clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

translations/vi/LC_MESSAGES/messages.mo: translations/vi/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -l vi 2>&1 | grep -v '^compiling' || true

translations: translations/vi/LC_MESSAGES/messages.mo

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Serving on http://127.0.0.1:$(PORT) — the SMS codes arrive at http://127.0.0.1:$(PORT)/sim/phone"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed translations
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!  Chromium not found at $(CHROMIUM): browser tests will be SKIPPED.  !!"; \
	  echo "!!  Install it with: apt-get install -y chromium                        !!"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tests/artifacts
