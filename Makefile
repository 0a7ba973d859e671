# Build the briefing in content/ into dist/, and test the toolkit.
#   make            set up .venv and build dist/<slug>.pdf, .epub and .docx
#   make test       run the test suite
# Outputs depend on the sources, the theme and the toolkit's code, so an
# unchanged briefing is not rebuilt.

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONTENT ?= content
OUTDIR ?= dist
PUBLISH := $(BIN)/publish

# The slug names the outputs; it is read from the manifest with the standard library.
SLUG := $(shell $(PYTHON) -c 'import tomllib,pathlib,re,sys;p=pathlib.Path("$(CONTENT)/briefing.toml");d=tomllib.loads(p.read_text()) if p.exists() else {};print(d.get("slug") or re.sub(r"[^a-z0-9]+","-",d.get("title","$(notdir $(CONTENT))").lower()).strip("-"))' 2>/dev/null)
OUT := $(OUTDIR)/$(SLUG)

SOURCES := $(shell find $(CONTENT) -type f 2>/dev/null)
THEME := $(shell find styles -type f 2>/dev/null)
CODE := $(shell find publish -type f \( -name '*.py' -o -name '*.j2' \) 2>/dev/null)
DEPS := $(STAMP) $(SOURCES) $(THEME) $(CODE)

.PHONY: all pdf epub docx check test lint goldens bench clean distclean

all: $(OUT).pdf $(OUT).epub $(OUT).docx

pdf: $(OUT).pdf
epub: $(OUT).epub
docx: $(OUT).docx

# The toolkit with the readers `publish check` uses (the check extra).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[check]'
	touch $@

# What the test suite adds: pytest, PDFium, pandoc, mypy and ruff.
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The package is installed in place, so pip compiles none of it; where Python is told
# not to write bytecode, every run would compile it again (0.15 s of each build).
COMPILED := $(VENV)/.compiled
$(COMPILED): $(STAMP) $(CODE)
	$(BIN)/python -m compileall -q publish
	touch $@

# One run builds the three formats: the EPUB and DOCX render while the PDF is laid out,
# and cost little next to it.
$(OUT).pdf $(OUT).epub $(OUT).docx &: $(DEPS) $(COMPILED)
	$(PUBLISH) build $(CONTENT) -o $(OUTDIR)

# Ace by DAISY checks the EPUBs; npm (from the test extra's Node.js) installs it, without
# the browser downloads it cannot reach: it runs in Debian's Chromium.
ACE_VERSION := 1.4.6
ACE := $(VENV)/ace/node_modules/.bin/ace-puppeteer
$(ACE): $(TEST_STAMP)
	PATH="$(abspath $(BIN)):$$PATH" ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
		$(BIN)/npm install --prefix $(VENV)/ace --no-audit --no-fund --loglevel=error @daisy/ace@$(ACE_VERSION)
	touch $@

# LibreOffice and Chromium have no pip form: tests/system-tools installs them as root,
# or says how and stops.  The type checker and the linter go first: they take seconds.
test: $(TEST_STAMP) $(ACE)
	tests/system-tools
	$(BIN)/mypy
	$(BIN)/ruff check publish tests benchmarks
	$(BIN)/python -m pytest

# Read the outputs back and compare them with the model; builds first if needed.
check: all
	$(PUBLISH) check $(CONTENT) -o $(OUTDIR)

# An editor's checks on the sources: repetitions, abbreviations, headings, speakers.
lint: $(STAMP)
	$(PUBLISH) lint $(CONTENT)

# Rewrite the golden model dumps; review the diff before committing.
goldens: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_reader_goldens.py --update-goldens

# Time the builds against pandoc and bare WeasyPrint (benchmarks/README.md);
# `make bench BENCH_ARGS=--quick` stops at 100 articles.
bench: $(COMPILED) $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(OUTDIR)

distclean: clean
	rm -rf $(VENV) *.egg-info
