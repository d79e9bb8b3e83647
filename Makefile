# perfeval: `make book` builds the book of the real data (data/<year>/) into _build/html; `make demo` builds the
# demo data (data/demo/) as a book of its own in _build/demo; `make test` runs all tests.
# They create .venv with the locked stack on first use (only Python 3.11 is needed beforehand):
# requirements.lock / requirements-test.lock pin every package with its hashes.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
DEMO   ?= _build/demo

.PHONY: book demo test test-fast lint venv venv-test venv-dask lock clean

book: $(VENV)/.book-deps
	$(BIN)/perfeval build

# The demo (示例数据) is its own book: a project made by `perfeval init --demo` in $(DEMO), built from data/demo.
demo: $(VENV)/.book-deps
	$(BIN)/perfeval init --demo --force $(DEMO)
	$(BIN)/perfeval build --root $(DEMO) --data-dir $(abspath data/demo)

test: $(VENV)/.test-deps
	$(BIN)/pytest

# Everything but the tests that build a book or execute notebooks (about 1,850 tests), in two processes: about
# 2 minutes on two free cores (measured 2026-12-06: 1,857 tests in 127 s wall at load average 1–2); on a busy
# shared machine the wall time grows with the load (652 s at load average 12–18).
test-fast: $(VENV)/.test-deps
	$(BIN)/pytest -m "not slow" -n 2 -q

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

venv: $(VENV)/.book-deps
venv-test: $(VENV)/.test-deps
venv-dask: $(VENV)/.dask-deps

$(VENV)/.book-deps: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

# The Dask executor (`perfeval build --executor dask`): the default stack plus Dask.
$(VENV)/.dask-deps: $(VENV)/.book-deps requirements-dask.lock
	$(PIP) --require-hashes -r requirements-dask.lock
	touch $@

$(VENV)/.test-deps: $(VENV)/.book-deps requirements-test.lock
	$(PIP) --require-hashes -r requirements-test.lock
	touch $@

# Recompile the lock files after changing requirements*.txt or pyproject.toml's dependencies (uv, in a
# throwaway venv; versions already in the lock files are kept unless their pins changed). requirements.lock
# has no Dask; requirements-dask.lock is it plus Dask; requirements-test.lock adds the test tools to that.
UV_VENV ?= /tmp/perfeval-uv
UV_COMPILE = $(UV_VENV)/bin/uv pip compile --generate-hashes --no-annotate --python $(PYTHON) \
	  --custom-compile-command "make lock"
lock:
	test -x $(UV_VENV)/bin/uv || ($(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/python -m pip install --quiet uv)
	$(UV_COMPILE) pyproject.toml requirements.txt -o requirements.lock
	$(UV_COMPILE) pyproject.toml requirements-dask.txt --extra dask -c requirements.lock -o requirements-dask.lock
	$(UV_COMPILE) requirements-test.txt -c requirements-dask.lock -o requirements-test.lock

clean:
	rm -rf _build _toc.yml book/[0-9][0-9][0-9][0-9] book/findings.ipynb book/method.ipynb book/how-to-read.md
