# Two commands: `make report` (set up and build the example report) and `make test`.
# Everything runs in a local virtual environment (.venv) with the pinned versions of
# requirements.lock. Needs Python 3.11+ and make, nothing else.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORES  ?= 2
# make report YEAR=2021 overrides the report year of config/config.yaml
YEAR   ?=
# --keep-going: a district whose own data fail still lets the other districts be published
# --rerun-incomplete: a run interrupted by Ctrl-C or kill is completed by the next one
SNAKEMAKE := $(BIN)/snakemake --cores $(CORES) --keep-going --rerun-incomplete $(if $(YEAR),--config year=$(YEAR))

.PHONY: report test lint dryrun benchmark diff clean distclean

report: $(VENV)/.installed
	$(SNAKEMAKE)
	@echo "Bericht(e) veröffentlicht unter reports/ (HTML, PDF, Markdown, indikatoren.csv, manifest.json)"

# pytest includes the workflow checks (tests/test_workflow.py): `snakemake --lint` and a dry run.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/snakemake --lint

dryrun: $(VENV)/.installed
	$(SNAKEMAKE) --dry-run

# make diff FROM=harz-2020-v1 [TO=HEAD] [OUT=aenderungen.md]: what changed between two versions
diff: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "usage: make diff FROM=<git ref> [TO=<git ref>] [OUT=<file.md>]"; exit 2; }
	$(BIN)/sozialbericht diff "$(FROM)" $(if $(TO),"$(TO)") $(if $(OUT),--markdown "$(OUT)")

benchmark: $(VENV)/.installed
	$(BIN)/python benchmarks/run_benchmark.py

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

clean:
	rm -rf results .snakemake

distclean: clean
	rm -rf $(VENV) reports
