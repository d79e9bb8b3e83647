# perfeval: `make book` builds the whole book from the shipped data; `make test` runs all tests.
# Both create .venv with the locked stack on first use (only Python 3.11 is needed beforehand):
# requirements.lock / requirements-test.lock pin every package with its hashes.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: book test test-fast venv venv-test lock clean

book: $(VENV)/.book-deps
	$(BIN)/perfeval build

test: $(VENV)/.test-deps
	$(BIN)/pytest

# Everything but the tests that build a book or execute notebooks (under two minutes).
test-fast: $(VENV)/.test-deps
	$(BIN)/pytest -m "not slow"

venv: $(VENV)/.book-deps
venv-test: $(VENV)/.test-deps

$(VENV)/.book-deps: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.book-deps requirements-test.lock
	$(PIP) --require-hashes -r requirements-test.lock
	touch $@

# Recompile the lock files after changing requirements*.txt or pyproject.toml's dependencies (uv, in a
# throwaway venv; versions already in the lock files are kept unless their pins changed).
UV_VENV ?= /tmp/perfeval-uv
lock:
	test -x $(UV_VENV)/bin/uv || ($(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/python -m pip install --quiet uv)
	$(UV_VENV)/bin/uv pip compile pyproject.toml requirements.txt --extra dask --generate-hashes --no-annotate \
	  --python $(PYTHON) --custom-compile-command "make lock" -o requirements.lock
	$(UV_VENV)/bin/uv pip compile requirements-test.txt -c requirements.lock --generate-hashes --no-annotate \
	  --python $(PYTHON) --custom-compile-command "make lock" -o requirements-test.lock

clean:
	rm -rf _build _toc.yml book/[0-9][0-9][0-9][0-9]
