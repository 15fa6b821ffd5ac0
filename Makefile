# RiskMap: the two commands of the README's quick start are `make app` and `make test`.
# Both install everything first (system packages when missing, then the locked Python
# packages into .venv), so they work on a fresh Debian machine with Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps app demo test test-fast bench lock clean

# Debian packages the app, the exports and the browser tests need; installed only
# when missing (root, or sudo, is needed the first time).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qiE 'Noto Sans CJK|WenQuanYi' || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: system-deps $(STAMP)

# Quick start 1: install everything and open the app on the demo workspace.
app: install
	$(BIN)/streamlit run app.py

# The engine alone: grade the demo and print the summary.
demo: install
	$(BIN)/riskmap assess data/demo --out out/demo

# Quick start 2: install everything, lint (ruff, configured in pyproject.toml) and run the whole test suite.
test: install
	$(BIN)/ruff check riskmap app.py page tests bench
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: install
	$(BIN)/python bench/bench_assess.py

# Re-pin requirements.lock from pyproject.toml (needs network to PyPI).
lock:
	rm -rf /tmp/riskmap-lock && $(PYTHON) -m venv /tmp/riskmap-lock
	/tmp/riskmap-lock/bin/pip install -q --upgrade pip
	/tmp/riskmap-lock/bin/pip install -q ".[app,test]"
	/tmp/riskmap-lock/bin/pip freeze --exclude-editable | grep -v '^riskmap' > requirements.lock

clean:
	rm -rf $(VENV) out .pytest_cache
