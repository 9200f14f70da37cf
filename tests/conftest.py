"""Shared fixtures and helpers: the project's own embedded data (never ../shared) and an end-to-end run.

Tests live by stage: ``tests/unit/<stage>/`` runs no workflow and uses no fixture of a workflow
run (``make test-unit``); ``tests/e2e/`` does, and gets the ``e2e`` marker here. Both rules are
enforced below: a unit test that asks for a workflow fixture or calls ``run_workflow`` fails.
"""

from __future__ import annotations

import os
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
UNIT, E2E = Path(__file__).resolve().parent / "unit", Path(__file__).resolve().parent / "e2e"
#: the fixtures that run the workflow (or reuse a run): only for tests/e2e/
WORKFLOW_FIXTURES = {"e2e_project", "quarto_project", "published"}
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
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    assert not current.startswith("tests/unit/"), f"{current.split(' ')[0]} runs the workflow: it belongs in tests/e2e/"
    return subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", *args], cwd=workdir, capture_output=True, text=True, check=False, timeout=900
    )


def pytest_collection_modifyitems(config, items):
    """Mark every test of tests/e2e/ as ``e2e``; refuse a unit test that needs a workflow run."""
    for item in items:
        path = Path(item.path)
        if E2E in path.parents:
            item.add_marker(pytest.mark.e2e)
        elif UNIT in path.parents and (runs := WORKFLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            raise pytest.UsageError(f"{item.nodeid} uses a workflow run ({', '.join(sorted(runs))}): move it to tests/e2e/")


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    """The non-empty rows of a workbook's sheet as dicts by its header row."""
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if any(c not in (None, "") for c in r)]


def md_table(md: str, label: str) -> list[list[str]]:
    """The cells of the Markdown table captioned with ``{#label}`` (header first, bold removed)."""
    lines = md[: md.index("{#" + label + "}")].rstrip().splitlines()
    lines = lines[:-1] if lines[-1].startswith(":") else lines
    while lines and not lines[-1].startswith("|"):
        lines.pop()
    start = len(lines)
    while start and lines[start - 1].startswith("|"):
        start -= 1
    rows = [[c.strip().strip("*") for c in line.strip("|").split("|")] for line in lines[start:]]
    return [rows[0], *rows[2:]]


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
def harz_gemeinden() -> dict[str, str]:
    """The Gemeinden of the example Kreis (Harz, 15085) on its current territory: ARS → name."""
    import yaml

    from sozialbericht.ingest.own_data import current_gemeinden
    from sozialbericht.ingest.staging import stage_table

    gv = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))["gemeindeverzeichnis"]
    return current_gemeinden(stage_table(gv, [ROOT / "data" / "raw" / f for f in gv["files"]]), "15085")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """The hostile provider workbooks of tests/hostile_workbooks.py, built from the example's
    providers A and B: attack name → file."""
    from hostile_workbooks import corpus

    beratung = ROOT / "data" / "raw" / "harz" / "beratung"
    return corpus(beratung / "traeger-a_2020.xlsx", beratung / "traeger-b_2020.xlsx", tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def national_territory(gemeindeverzeichnis):
    """Every Kreis of Germany with its Gemeinden: (Kreise from VG5000, staged GV-ISys directory,
    derived territorial changes)."""
    from sozialbericht.core.areas import kreise

    directory, changes = gemeindeverzeichnis
    return kreise(GEO / "VG5000_KRS.shp"), directory, changes


@pytest.fixture(scope="session")
def district_configurations(national_territory) -> dict[str, tuple[str, str]]:
    """What `init-district` writes for every Kreis of Germany: Kreisschlüssel → (YAML text, id)."""
    from sozialbericht.core.areas import district_ids
    from sozialbericht.tools.init_district import district_text, gemeinde_population

    kreise, directory, changes = national_territory
    population, ids = gemeinde_population(directory), district_ids(kreise)
    return {k: district_text(k, kreise, population, changes, {"base_year": 2015, "version": "1"}, ids) for k in sorted(kreise)}


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
