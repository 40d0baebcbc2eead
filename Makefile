# Two commands do everything on a fresh clone (Python 3.11+ and make):
#   make demo   sets up, starts the sandbox, crawls "vegan-cooking" on every keyless platform, prints the top creators
#   make test   sets up and runs the whole test suite
#   make check  the quick loop: every test but real crawls and pip installs (about 50 s on 2 cores)
#   make serve  serves the demo's index: the web page at http://127.0.0.1:8000/ and the API
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test check lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m creatorscout.cli.demo

serve: $(STAMP)
	$(BIN)/scout serve --index sqlite:///$(abspath $(or $(CREATORSCOUT_DEMO_INDEX),demo.db))

test: $(STAMP)
	$(BIN)/python -m pytest

# The quick loop runs on every core, draws a fifth of the property tests' examples
# (tests/quick.py), and keeps Python's bytecode (and pytest's rewritten test modules)
# between runs even where the environment sets PYTHONDONTWRITEBYTECODE: compiling the
# suite afresh costs more than a tenth of the minute.
check: $(STAMP)
	PYTHONDONTWRITEBYTECODE= CREATORSCOUT_QUICK_TESTS=1 $(BIN)/python -m pytest -q -n auto -m "not crawl and not install and not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache demo.db*
