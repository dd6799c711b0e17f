# An Sinh Link — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint translations serve dispatch clean

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

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: accessibility tests will be skipped"; fi

test: $(VENV)/.installed translations node_modules/axe-core/axe.min.js
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!  Chromium not found at $(CHROMIUM): browser tests will be SKIPPED.  !!"; \
	  echo "!!  Install it with: apt-get install -y chromium                        !!"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# Production serving: gunicorn (WEB_CONCURRENCY workers) and the outbox dispatcher, against
# DATABASE_URL and RATELIMIT_STORAGE_URI. See README, "Running in production".
serve: $(VENV)/.installed translations
	ANSINH_CONFIG=production $(FLASK) db upgrade
	@if [ "$$SIMULATION" = "1" ]; then ANSINH_CONFIG=production $(FLASK) demo seed; fi
	ANSINH_CONFIG=production $(FLASK) notify dispatch & dispatcher=$$!; \
	trap 'kill $$dispatcher 2>/dev/null' EXIT INT TERM; \
	ANSINH_CONFIG=production $(VENV)/bin/gunicorn --config gunicorn.conf.py 'app:create_app()'

dispatch: $(VENV)/.installed
	ANSINH_CONFIG=production $(FLASK) notify dispatch

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tests/artifacts
