"""The Snakemake workflow itself: linter and dry run on the shipped configuration."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
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
    proc = subprocess.run(
        [
            str(SNAKEMAKE),
            "--dry-run",
            "--cores",
            "2",
            "--directory",
            str(ROOT),
            "--config",
            "paths={'raw': 'data/raw', 'results': '" + str(tmp_path / "results") + "', "
            "'reports': '" + str(tmp_path / "reports") + "'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    for rule in (
        "ingest_table",
        "ingest_boundaries",
        "ingest_district_data",
        "validate_staged",
        "compute_national",
        "publish_reports",
    ):
        assert re.search(rf"^{rule}\s+\d+", out, flags=re.M), rule
    datasets = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
    n_tables = sum(1 for spec in datasets.values() if spec["format"] != "vg5000")
    assert re.search(rf"^ingest_table\s+{n_tables}$", out, flags=re.M)


def test_bad_config_fails_before_any_job():
    proc = subprocess.run(
        [str(SNAKEMAKE), "--dry-run", "--cores", "1", "--config", "districts=['../../etc']"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "districts" in proc.stdout + proc.stderr


def test_code_passes_ruff_and_snakefmt():
    """The style checks of `make lint` are part of `make test`."""
    bin_dir = Path(sys.executable).parent
    ruff = subprocess.run(
        [str(bin_dir / "ruff"), "check", "src", "scripts", "tests", "notebooks", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout[-3000:]
    formatted = subprocess.run(
        [str(bin_dir / "ruff"), "format", "--check", "src", "scripts", "tests", "notebooks", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert formatted.returncode == 0, (formatted.stdout + formatted.stderr)[-3000:] + "\n(`make format` repairs this)"
    snakefmt = subprocess.run(
        [str(bin_dir / "snakefmt"), "--check", "Snakefile", "rules"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert snakefmt.returncode == 0, (snakefmt.stdout + snakefmt.stderr)[-3000:]


def test_shell_scripts_parse_and_ci_runs_the_readme_test_command():
    """`.ci/run` and the shell scripts are valid bash, and CI runs the README's test command.

    A broken `.ci/run` fails CI after 0 s without running a single test, so it is checked here,
    where a developer's `make test` sees it first.
    """
    scripts = [ROOT / ".ci" / "run", *sorted(ROOT.glob("tests/**/*.sh")), *sorted(ROOT.glob("scripts/**/*.sh"))]
    for script in scripts:
        proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{script.relative_to(ROOT)}: {proc.stderr}"
    ci_commands = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    assert "make test" in ci_commands
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_notebook_is_built_from_its_source():
    """notebooks/sozialbericht.ipynb is generated from notebooks/sozialbericht.py (edit the .py)."""
    proc = subprocess.run(
        [sys.executable, "notebooks/build_notebook.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
