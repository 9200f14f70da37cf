"""Hostile provider files (issue 23) in the whole workflow: the example with every hostile workbook
of tests/hostile_workbooks.py in the providers' folder publishes the other providers' report
unchanged and names every refused and unread file in the annex."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, copy_tree, run_workflow
from hostile_workbooks import REFUSED

VALID = ROOT / "data" / "raw" / "harz" / "beratung" / "traeger-a_2020.xlsx"


@pytest.fixture(scope="module")
def attacked(e2e_project, hostile, tmp_path_factory):
    """The example with every hostile workbook in the providers' folder (A's own workbook with the
    separator in its name), plus .xlsm, .XLSX and .csv files; published once."""
    project = copy_tree(e2e_project, tmp_path_factory.mktemp("hostile") / "project")
    folder = project / "data" / "raw" / "harz" / "beratung"
    for name, path in hostile.items():
        if name in REFUSED:
            shutil.copyfile(path, folder / path.name)
    shutil.copyfile(hostile["name_mit_trenner"], folder / VALID.name)
    for name in ("makros.xlsm", "GROSS.XLSX", "faelle.csv"):
        shutil.copyfile(hostile["zip_bombe"].parent / name, folder / name)
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return project


def test_the_report_of_the_other_providers_is_published_unchanged(attacked, e2e_project):
    out, before = attacked / "reports" / "harz" / "2020", e2e_project / "reports" / "harz" / "2020"
    assert (out / "sozialbericht.html").exists() and (out / "sozialbericht.pdf").exists()
    assert (out / "indikatoren.csv").read_bytes() == (before / "indikatoren.csv").read_bytes()


def test_the_annex_names_every_refused_and_unread_file(attacked):
    text = (attacked / "reports" / "harz" / "2020" / "sozialbericht.md").read_text(encoding="utf-8").replace("\\", "")
    annex = text[text.index("Datenqualität") :]
    for name in [*(f"{case}.xlsx" for case in REFUSED), "makros.xlsm", "GROSS.XLSX", "faelle.csv"]:
        assert name in annex, name
    log = (attacked / "results" / "logs" / "ingest_district_data" / "harz_2020.log").read_text(encoding="utf-8")
    assert "makros.xlsm" in log and "zip_bombe.xlsx" in log and "Traceback" not in log
