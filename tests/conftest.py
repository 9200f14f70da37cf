"""Shared fixtures: the project's own embedded data (never ../shared) and an end-to-end run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "national"
GENESIS = RAW / "genesis"
GVISYS = RAW / "gvisys"
GEO = RAW / "geo"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
PROJECT_PARTS = ["Snakefile", "rules", "scripts", "config", "notebooks", "report", "profiles"]


def copy_project(target: Path, engine: str = "pandoc") -> Path:
    """A working copy of the workflow with its own data, results and reports folders, rendering
    with ``engine``: the workflow tests use the built-in engine (the committed twins are built
    with it, and a Quarto render costs ~20 s more per report); the `published` facts and
    tests/unit/report/test_render.py cover Quarto."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / part)
    shutil.copytree(ROOT / "data", target / "data")
    set_engine(target, engine)
    return target


def set_engine(project: Path, engine: str) -> None:
    cfg = project / "config" / "config.yaml"
    text, n = re.subn(r"(?m)^  engine: \w+$", f"  engine: {engine}", cfg.read_text(encoding="utf-8"))
    assert n == 1, "render.engine not found in config/config.yaml"
    cfg.write_text(text, encoding="utf-8")


def copy_tree(src: Path, target: Path) -> Path:
    """A copy of a run project (with its results and reports) for tests that change it."""
    shutil.copytree(src, target, symlinks=True)
    return target


def run_workflow(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", *args], cwd=workdir, capture_output=True, text=True, check=False, timeout=900
    )


@pytest.fixture(scope="session")
def gemeindeverzeichnis():
    """The shipped GV-ISys directories of all of Germany, staged (tidy), with the territorial
    changes derived from them: (directory, changes). About 10 s, once per session."""
    import yaml

    from sozialbericht.core.territory import derive_changes
    from sozialbericht.ingest.staging import stage_table

    spec = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))["gemeindeverzeichnis"]
    directory = stage_table(spec, [ROOT / "data" / "raw" / f for f in spec["files"]])
    return directory, derive_changes(directory)[0]


@pytest.fixture(scope="session")
def e2e_project(tmp_path_factory) -> Path:
    """The example workflow run once from scratch in a temporary copy of the project
    (E2E_PROJECT=<folder of an earlier run> reuses one while developing tests)."""
    import os

    if os.environ.get("E2E_PROJECT"):
        return Path(os.environ["E2E_PROJECT"])
    workdir = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    proc = run_workflow(workdir)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return workdir


@pytest.fixture(scope="session")
def quarto_project(e2e_project, tmp_path_factory) -> Path:
    """The example report rendered once more with Quarto (where installed, as in CI): the same facts
    are asserted for both engines."""
    from sozialbericht.report.render import quarto_executable

    if quarto_executable() is None:
        pytest.skip("Quarto ist nicht installiert (quarto.org): die Fakten werden nur mit der eingebauten Engine geprüft")
    project = copy_tree(e2e_project, tmp_path_factory.mktemp("quarto") / "project")
    set_engine(project, "quarto")
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return project


@pytest.fixture(params=["pandoc", "quarto"])
def published(request) -> Path:
    """The example project as published by each engine (Quarto where installed)."""
    return request.getfixturevalue("e2e_project" if request.param == "pandoc" else "quarto_project")
