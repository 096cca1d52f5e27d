# Two commands do everything on a fresh machine (Python 3.10+):
#   make book   set up .venv, then build the HTML book into _build/html
#   make test   set up .venv (Chromium for the browser tests, bubblewrap for the grader's sandbox,
#               a C++ compiler for the compiled LSTM loop), build the book, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader calls `alembic` and `jupyter` by name: the venv's bin/ goes first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book test venv chromium sandbox compiler lint bench clean
.PHONY: sources release collect autograde grade return formgrader

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

# The compiled LSTM/GRU loops are built first, so that no page's output shows the one-time build.
book: $(STAMP) compiler
	$(BIN)/python -c "from lstmcourse.torch import native; native.available()"
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

# Debian's g++: lstmcourse.torch builds its compiled LSTM loop with it at first use (without one,
# the layers warn once and use the slower Python loop; the tests insist on the compiled one).
compiler:
	@command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y g++; }

test: $(STAMP) chromium sandbox compiler book
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build

# ---- Course staff: nbgrader on the course in assignments/ (book appendix, "For instructors").
# A names the assignment: make release A=a2_lstm_cell. Every target runs from the repository root.
NBGRADER := $(BIN)/nbgrader
need-A = @test -n "$(A)" || { echo "usage: make $@ A=<assignment>, e.g. A=a2_lstm_cell"; exit 2; }

# The source notebooks in their committed form (no outputs, nbgrader cells' ids = grade ids).
sources: $(STAMP)
	$(BIN)/python -m lstmcourse.grading --course assignments tidy

# source/A -> release/A (solutions and hidden tests cut) -> the exchange, for students to fetch.
release: $(STAMP)
	$(need-A)
	$(NBGRADER) generate_assignment $(A) --force
	$(NBGRADER) release_assignment $(A)

# The exchange's submissions of A -> submitted/<student>/A.
collect: $(STAMP)
	$(need-A)
	$(NBGRADER) collect $(A)

# One worker's share of a big class: the submissions of A whose student ids match the glob
# STUDENTS, e.g. STUDENTS='[a-h]*'. Start several at once, then `make grade` (which skips them).
autograde: $(STAMP) sandbox
	$(need-A)
	$(NBGRADER) autograde $(A) --student '$(or $(STUDENTS),*)'

# Autograde the submissions of A not graded yet (each in its sandbox), write every student's
# feedback (again, so that grades given by hand show), and export all grades to grades.csv. A
# submission nbgrader cannot grade at all does not stop the rest; the target fails at the end.
grade: $(STAMP) sandbox
	$(need-A)
	status=0; $(NBGRADER) autograde $(A) || status=$$?; \
	rm -rf assignments/feedback/*/$(A) && \
	$(NBGRADER) generate_feedback $(A) && \
	$(NBGRADER) export --to assignments/grades.csv && exit $$status

# The feedback of A -> the exchange, where students fetch it.
return: $(STAMP)
	$(need-A)
	$(NBGRADER) release_feedback $(A)

# JupyterLab on the course: Nbgrader -> Formgrader to grade written answers by hand.
formgrader: $(STAMP)
	$(BIN)/jupyter lab
