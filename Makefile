# Two commands: `make report` (set up and build the example report) and `make test`.
# Everything runs in a local virtual environment (.venv) with the pinned versions of
# requirements.lock. Needs Python 3.11+ and make, nothing else.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BROWSER_DEPS := tests/browser/node_modules/.installed
CORES  ?= 2
# make report YEAR=2021 overrides the report year of config/config.yaml
YEAR   ?=
# make report DISTRICTS="harz 15089" | DISTRICTS=land:15 | DISTRICTS=all overrides `districts`
DISTRICTS ?=
empty :=
space := $(empty) $(empty)
comma := ,
DISTRICT_LIST = [$(subst $(space),$(comma),$(patsubst %,"%",$(strip $(DISTRICTS))))]
CONFIG_ARGS = $(if $(YEAR),year=$(YEAR)) $(if $(strip $(DISTRICTS)),'districts=$(DISTRICT_LIST)')
# --keep-going: a district whose own data fail still lets the other districts be published
# --rerun-incomplete: a run interrupted by Ctrl-C or kill is completed by the next one
SNAKEMAKE := $(BIN)/snakemake --cores $(CORES) --keep-going --rerun-incomplete --quiet rules $(if $(strip $(CONFIG_ARGS)),--config $(CONFIG_ARGS))

.PHONY: report test test-unit compare-outputs lint format dryrun benchmark backtest fuzz district diff disclosure-audit pagecheck clean distclean

report: $(VENV)/.installed
	$(SNAKEMAKE)
	@echo "Bericht(e) veröffentlicht unter reports/ (HTML, PDF, Markdown, indikatoren.csv, tabellen.xlsx, gemeinden.geojson, metadaten.jsonld, manifest.json)"

# pytest includes the workflow checks (tests/e2e/test_workflow.py): `snakemake --lint`, a dry run,
# ruff and snakefmt, and the accessibility check of the HTML in headless Chromium
# (tests/e2e/test_browser.py; its npm packages are installed here where Node.js is there).
test: $(VENV)/.installed $(BROWSER_DEPS)
	$(BIN)/python -m pytest

# The inner loop: the unit tests of every stage (tests/unit/<stage>/), no workflow run
test-unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/unit

# make compare-outputs BASE=<folder with a saved results/ and reports/>: does a code change alter
# anything a reader sees? (staged and national tables byte for byte, reports apart from the code version)
compare-outputs: $(VENV)/.installed
	@test -n "$(BASE)" || { echo "Aufruf: make compare-outputs BASE=<Ordner mit gesicherten results/ und reports/>"; exit 2; }
	$(BIN)/python -m sozialbericht.tools.compare_outputs "$(BASE)" .

lint: $(VENV)/.installed
	$(BIN)/ruff check src scripts tests notebooks benchmarks
	$(BIN)/ruff format --check src scripts tests notebooks benchmarks
	$(BIN)/snakefmt --check Snakefile rules
	$(BIN)/snakemake --lint

format: $(VENV)/.installed
	$(BIN)/ruff format src scripts tests notebooks benchmarks
	$(BIN)/ruff check --fix src scripts tests notebooks benchmarks
	$(BIN)/snakefmt Snakefile rules

dryrun: $(VENV)/.installed
	$(SNAKEMAKE) --dry-run

# make district KREIS=15089: write config/districts/<id>.yaml from the national data
district: $(VENV)/.installed
	@test -n "$(KREIS)" || { echo "Aufruf: make district KREIS=<fünfstelliger Kreisschlüssel> [FORCE=1]"; exit 2; }
	$(BIN)/sozialbericht kreis-anlegen "$(KREIS)" $(if $(FORCE),--force)

# make diff FROM=harz-2020-v1 [TO=HEAD] [OUT=aenderungen.md]: what changed between two versions
diff: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "Aufruf: make diff FROM=<git ref> [TO=<git ref>] [OUT=<file.md>]"; exit 2; }
	$(BIN)/sozialbericht aenderungen "$(FROM)" $(if $(TO),"$(TO)") $(if $(OUT),--markdown "$(OUT)")

# The projection back-tested on every Kreis and Gemeinde of Germany (results/benchmarks/backtest.md)
backtest: $(VENV)/.installed
	$(BIN)/snakemake results/benchmarks/backtest.md --cores $(CORES) --quiet rules
	@cat results/benchmarks/backtest.md

# make disclosure-audit [KREIS=harz]: can a suppressed value be recovered from what the report publishes?
disclosure-audit: $(VENV)/.installed
	$(BIN)/sozialbericht geheimhaltung $(or $(KREIS),harz) $(if $(YEAR),--jahr $(YEAR))

# make pagecheck: every PDF under reports/ word by word — no overprinted words, nothing outside the page
pagecheck: $(VENV)/.installed
	$(BIN)/sozialbericht seitenpruefung reports

# More examples of the property-based test that damages the input files at random
fuzz: $(VENV)/.installed
	FUZZ_EXAMPLES=$(or $(EXAMPLES),200) $(BIN)/python -m pytest tests/unit/ingest/test_fuzz.py -p no:cacheprovider

# make benchmark [ALL=1]: timings → results/benchmarks/summary.md (ALL=1: every Kreis of Germany too, ~10 min more)
benchmark: $(VENV)/.installed
	$(BIN)/python benchmarks/run_benchmark.py $(if $(ALL),--all)

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 oder neuer wird benötigt (gefunden " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# axe-core and playwright-core for tests/e2e/test_browser.py (exact versions in package.json, no lock
# file); without npm the browser test is skipped with its reason.
$(BROWSER_DEPS): tests/browser/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix tests/browser --no-package-lock --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "Hinweis: Node.js/npm nicht gefunden, der Browsertest (tests/e2e/test_browser.py) wird übersprungen"; fi

clean:
	rm -rf results .snakemake

distclean: clean
	rm -rf $(VENV) reports tests/browser/node_modules
