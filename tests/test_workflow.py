"""The Snakemake workflow itself: linter and dry run on the shipped configuration."""

import re
import subprocess

from conftest import ROOT, SNAKEMAKE

#: The one lint we accept, on purpose: rules run in the project's pinned virtual environment
#: (requirements.lock), because conda channels and container registries are not reachable where
#: this pipeline runs (see README, "Architecture").
ACCEPTED_LINTS = {"Specify a conda environment or container for each rule."}


def test_snakemake_lint_is_clean():
    proc = subprocess.run([str(SNAKEMAKE), "--lint"], cwd=ROOT, capture_output=True, text=True, check=False)
    lints = set(re.findall(r"^    \* (.+?):?$", proc.stdout + proc.stderr, flags=re.M))
    assert lints, "the linter printed nothing; did it run?"  # the accepted lint is always reported
    assert lints <= ACCEPTED_LINTS, lints - ACCEPTED_LINTS


def test_dry_run_plans_every_step(tmp_path):
    proc = subprocess.run([str(SNAKEMAKE), "--dry-run", "--cores", "2", "--directory", str(ROOT),
                           "--config", "paths={'raw': 'data/raw', 'results': '" + str(tmp_path / "results") + "', "
                           "'reports': '" + str(tmp_path / "reports") + "'}"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    for rule in ("ingest_table", "ingest_boundaries", "validate_staged", "compute_indicators", "run_notebook", "render_report"):
        assert re.search(rf"^{rule}\s+\d+", out, flags=re.M), rule
    assert re.search(r"^ingest_table\s+6$", out, flags=re.M)


def test_bad_config_fails_before_any_job():
    proc = subprocess.run([str(SNAKEMAKE), "--dry-run", "--cores", "1", "--config", "districts=['../../etc']"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "districts" in proc.stdout + proc.stderr
