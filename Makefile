# The two commands of the quick start are `make run` and `make test`; each creates
# .venv and installs what it needs from pyproject.toml, pinned by constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OPIEKUN := $(BIN)/opiekun
STAMP := $(VENV)/.installed

export DEBUG ?= true

.PHONY: run test lint typecheck migrations-check pytest bench bench-scale install clean lock

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "opiekun needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# Translations are compiled by the build (pure-Python Babel: no gettext needed).
MO := src/opiekun/locale/pl/LC_MESSAGES/django.mo
$(MO): src/opiekun/locale/pl/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile --statistics -D django -d src/opiekun/locale -l pl

install: $(STAMP) $(MO)

run: $(STAMP) $(MO)
	$(OPIEKUN) migrate --noinput
	$(OPIEKUN) preset load all
	$(OPIEKUN) demo
	$(OPIEKUN) serve

test: $(STAMP) lint typecheck migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

migrations-check: $(STAMP)
	$(OPIEKUN) makemigrations --check --dry-run

pytest: $(STAMP) $(MO)
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks against peers, side by side in one run; each prints its summary as its last line.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	DEBUG=true $(BIN)/python bench/workcal.py
	$(BIN)/python bench/mail.py

# Issue 20: N tickets on PostgreSQL (its own database, kept for the next run), every page
# and job timed next to hand-written SQL. TICKETS=1000000 for the issue's size; PG is the
# server (a database opiekun_scale_N is created there).
TICKETS ?= 100000
PG ?= postgres://postgres@127.0.0.1:5432
bench-scale: $(STAMP) $(MO)
	BENCH_PG=$(PG) $(BIN)/python bench/scale.py --tickets $(TICKETS)

# Re-pin every dependency after changing pyproject.toml: make lock
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet -e '.[dev,bench]'
	.lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
