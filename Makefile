# perfeval: `make book` builds the whole book from the shipped data; `make test` runs all tests.
# Both create .venv with the pinned stack on first use (only Python 3.11 is needed beforehand).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: book test venv venv-test clean

book: $(VENV)/.book-deps
	$(BIN)/perfeval build

test: $(VENV)/.test-deps
	$(BIN)/pytest

venv: $(VENV)/.book-deps
venv-test: $(VENV)/.test-deps

$(VENV)/.book-deps: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.book-deps requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

clean:
	rm -rf _build _toc.yml book/[0-9][0-9][0-9][0-9]
