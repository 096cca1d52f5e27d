# Two commands do everything on a fresh machine (Python 3.10+):
#   make book   set up .venv, then build the HTML book into _build/html
#   make test   set up .venv (Chromium for the browser tests, bubblewrap for the grader's sandbox),
#               build the book, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader calls `alembic` and `jupyter` by name: the venv's bin/ goes first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book test venv chromium sandbox lint bench clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going

# Debian's Chromium for the Playwright tests (never `playwright install`: it downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }

# Debian's bubblewrap: nbgrader runs every submission in a `bwrap` sandbox (lstmcourse/grading).
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y bubblewrap; }

test: $(STAMP) chromium sandbox book
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build
