# The checks CI runs. `make demo` and `make test` work on a fresh machine (they install).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install install-dbt demo test test-fast lint typecheck check bench clean golden matrix

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test,dev,fast]'
	touch $@

install: $(VENV)/.installed

# dbt in its own venv (its pins clash with the dev tools'); the dbt export tests run it
DBT_VENV ?= .venv-dbt
$(DBT_VENV)/.installed: pyproject.toml
	python3 -m venv $(DBT_VENV)
	$(DBT_VENV)/bin/python -m pip install -q --upgrade pip
	$(DBT_VENV)/bin/python -m pip install -q -e '.[dbt]'
	touch $@

install-dbt: $(DBT_VENV)/.installed

demo: install
	$(VENV)/bin/b2b demo

# pytest-xdist: a worker per core (2 here), each running whole test files (--dist loadfile: a
# file's module fixtures and its shared results file stay in one process); each worker starts its
# own PostgreSQL cluster and Spark sessions on free ports. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: install install-dbt
	bash scripts/bootstrap.sh
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25

# the inner loop: every test that needs no server, no JVM, no dbt and no browser (DuckDB in
# process, the rendering and quoting properties, the CLI) except those marked slow (over ~5 s each
# on DuckDB, or a family's members beyond the sample that conftest.sampled keeps); under 2 minutes
# on 2 cores. Test by test (--dist worksteal: no file here shares results across its tests, and a
# long file no longer ends the run alone: 101 s against 110 s by file). `make test` runs everything.
FAST := not postgres and not spark and not snowflake and not dbt and not browser and not slow
test-fast: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=10 -m "$(FAST)"

lint: install
	$(VENV)/bin/ruff check toolkit tests
	$(VENV)/bin/ruff format --check toolkit
	$(VENV)/bin/lint-imports  # the layers and no-circle contracts in pyproject.toml

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

golden: install
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_generate.py

bench: install
	$(PY) -m bench --contacts 100000,1000000,10000000 --repeat 3 --postgres 100000,1000000 --spark-connect 100000 --sync 1000000 --dbt 1000000,10000000

matrix: install
	$(PY) scripts/matrix.py

clean:
	rm -rf $(VENV) target b2b_demo .pytest_cache .mypy_cache .ruff_cache
