"""Cooperative planning with the free providers (issue 14) in the workflow: the receipts, the
chapter from the counselling data standard and the statements.

The example runs in a copy of the project with an added small provider (counts of 1 and 2), a
damaged provider workbook, a demanded complete chapter, and the old aggregate template; the
standard itself (rule, checks per provider, template): tests/unit/ingest/test_counselling_standard.py.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_tree, run_workflow, sheet_rows
from pypdf import PdfReader

from sozialbericht.core.files import read_tidy
from sozialbericht.ingest.counselling.template import write_workbook

STANDARD = yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8"))


# --- the workflow -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cooperative(e2e_project, tmp_path_factory, harz_gemeinden):
    """The example with a fifth provider that has only a few cases and a sixth whose workbook is
    damaged; published once."""
    project = copy_tree(e2e_project, tmp_path_factory.mktemp("traeger") / "project")
    folder = project / "data" / "raw" / "harz" / "beratung"
    ars = sorted(harz_gemeinden)
    base = {"altersgruppe": "27 bis unter 45 Jahre", "geschlecht": "weiblich", "haushaltstyp": "alleinerziehend"}
    small = [
        {**base, "wohnort_ars": ars[0], "beratungsfeld": "Suchtberatung", "sucht": True, "gewalt": True},
        {**base, "wohnort_ars": ars[1], "beratungsfeld": "Suchtberatung", "sucht": True},
        *({**base, "wohnort_ars": ars[i % 5], "beratungsfeld": "Schuldnerberatung", "schulden": True} for i in range(9)),
    ]
    site = {"standort_ars": ars[0], "standort": "Außenstelle", "beratungsfeld": "Suchtberatung", "vzae": 0.5}
    stamp = "2021-01-31T00:00:00Z"
    write_workbook(
        folder / "traeger-e_2020.xlsx",
        STANDARD,
        harz_gemeinden,
        {"Träger": "Träger E", "Berichtsjahr": 2020},
        small,
        [site],
        stamp,
    )
    bad = [{**base, "wohnort_ars": "1508513", "beratungsfeld": "Suchtberatung", "sucht": True}]
    write_workbook(
        folder / "traeger-f_2020.xlsx", STANDARD, harz_gemeinden, {"Träger": "Träger F", "Berichtsjahr": 2020}, bad, [], stamp
    )
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return project


def _receipt_text(project, kennung, ext="pdf") -> str:
    path = project / "reports" / "harz" / "2020" / "traeger" / f"{kennung}.{ext}"
    if ext == "pdf":
        return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    return path.read_text(encoding="utf-8")


def test_one_receipt_per_provider_beside_the_report(e2e_project):
    folder = e2e_project / "reports" / "harz" / "2020"
    expected = sorted(p.stem.split("_")[0] for p in (e2e_project / "data/raw/harz/beratung").glob("*_2020.xlsx"))
    assert sorted(p.stem for p in (folder / "traeger").glob("*.pdf")) == expected
    assert sorted(p.stem for p in (folder / "traeger").glob("*.html")) == expected
    manifest = yaml.safe_load((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {f"traeger/{k}.pdf" for k in expected} <= set(manifest["outputs"])


def test_a_receipt_lists_exactly_its_own_records(e2e_project):
    providers = sorted((e2e_project / "data/raw/harz/beratung").glob("*_2020.xlsx"))
    names = {p: sheet_rows(p, "Traeger") for p in providers}
    names = {p: next(r["Wert"] for r in rows if r["Feld"] == "Träger") for p, rows in names.items()}
    for path in providers:
        rows = sheet_rows(path, "Faelle")
        cases = sum(int(r.get("anzahl") or 1) for r in rows)
        text = _receipt_text(e2e_project, path.stem.split("_")[0])
        expected = f"{len(rows):,} Zeilen mit zusammen {cases:,} Fällen".replace(",", ".")
        assert expected in text, (path.name, expected)
        assert path.name in text and names[path] in text
        for other in set(names.values()) - {names[path]}:
            assert other not in text  # nothing of another provider
        sites = sheet_rows(path, "Stellen")
        for s in sites:
            assert s["standort"] in text


def test_receipt_says_where_the_data_went(e2e_project):
    text = _receipt_text(e2e_project, "traeger-a")
    md = (e2e_project / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8")
    number = re.search(r"- \[Tabelle (\d+)\]\(#tbl-beratung-versorgung\)", md).group(1)
    assert f"Tabelle {number}: Beratungsfälle und Personalausstattung" in text
    assert "Anteil Mehrfachproblematik" in text  # the indicators built from it
    assert "Mehrfachproblematik: Als Fall mit Mehrfachproblematik zählt ein Fall" in text  # the rule, explained


def test_small_counts_are_suppressed_in_receipts_and_chapter(cooperative):
    """No receipt or chapter publishes a count of 1 or 2 (Träger E has 2 cases of addiction
    counselling, 1 case of violence)."""
    text = _receipt_text(cooperative, "traeger-e", "html")
    tables = re.findall(r"<table.*?</table>", text, flags=re.S)
    assert len(tables) >= 2
    for table in tables[:2]:  # cases by field, problem areas: counts and shares
        for row in re.findall(r"<tr.*?</tr>", table, flags=re.S)[1:]:
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
            assert not any(c in ("1", "2") for c in cells[1:]), cells
    assert "Suchtberatung</th>" in text or "Suchtberatung</td>" in text
    field_rows = re.findall(r"<tr.*?</tr>", tables[0], flags=re.S)[1:]
    sucht = next(r for r in field_rows if "Suchtberatung" in r)
    assert re.findall(r"<td[^>]*>(.*?)</td>", sucht)[0] == "."  # 2 cases → .
    schulden = next(r for r in field_rows if "Schuldnerberatung" in r)
    assert re.findall(r"<td[^>]*>(.*?)</td>", schulden)[0] == "."  # 9 cases, hidden too: total − 9 = 2
    md = (cooperative / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8")
    for head in ("| Problemlage ", "| Merkmal "):
        block = md[md.index(head) :].split("\n\n")[0]
        for row in block.splitlines()[2:]:
            assert row.split("|")[3].strip() not in ("1", "2"), row


def test_clientele_adds_up_to_the_cases(e2e_project):
    """Age groups and household types of the counselled (all providers) each add up to the cases."""
    md = (e2e_project / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8")
    cases = int(re.search(r"wurden 2020 ([\d.]+) Beratungsfälle gezählt", md).group(1).replace(".", ""))
    block = md[md.index("| Merkmal ") :].split("\n\n")[0]
    sums: dict[str, int] = {}
    for row in block.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        sums[cells[0]] = sums.get(cells[0], 0) + int(cells[2].replace(".", ""))
    assert sums == {"Altersgruppe": cases, "Haushaltsform": cases}


def test_a_bad_provider_file_leaves_out_only_that_provider(cooperative, e2e_project):
    md = (cooperative / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8").replace("\\_", "_")  # Markdown escapes
    assert "Nicht berücksichtigt werden konnten die Lieferungen von Träger F" in md
    annex = md[md.index("### Datenqualität") :]
    assert "Träger F" in annex and "traeger-f_2020.xlsx" in annex and "Zeile 2" in annex
    assert "Die Lieferungen von Träger F nach dem Beratungsdatenstandard enthielten Fehler" in annex
    assert "keine Fehler gefunden" not in annex
    assert "Träger E" in md[md.index("Grundlage sind die Lieferungen") :].split("\n")[0]  # the others are in
    text = _receipt_text(cooperative, "traeger-f")
    assert "Ihre Daten sind in diesen Bericht nicht eingegangen" in text
    assert "Blatt „Faelle“, Zeile 2, Spalte B („wohnort_ars“)" in text and "als Text formatieren" in text


def test_a_complete_chapter_demanded_stops_the_run_and_keeps_the_report(cooperative, tmp_path):
    project = copy_tree(cooperative, tmp_path / "project")
    cfg = project / "config/districts/harz.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "beratung_vollstaendig: true\n", encoding="utf-8")
    before = (project / "reports/harz/2020/sozialbericht.md").read_bytes()
    proc = run_workflow(project)
    assert proc.returncode != 0
    assert "beratung_vollstaendig" in proc.stderr and "Träger F (traeger-f_2020.xlsx)" in proc.stderr
    assert "„1508513“ ist kein zwölfstelliger Gemeindeschlüssel" in proc.stderr
    assert (project / "reports/harz/2020/sozialbericht.md").read_bytes() == before


def test_the_old_aggregate_workbook_still_works(e2e_project, tmp_path):
    from sozialbericht.tools.synthetic import generate

    project = copy_tree(e2e_project, tmp_path / "project")
    staged = project / "results" / "staged"
    generated = tmp_path / "aggregate"
    generate(
        "15085",
        [2017, 2018, 2019, 2020],
        read_tidy(staged / "bevoelkerung_alter.csv"),
        read_tidy(staged / "arbeitslose.csv"),
        read_tidy(staged / "gemeindeverzeichnis.csv"),
        generated,
        seed=2020,
    )
    raw = project / "data" / "raw" / "harz"
    shutil.rmtree(raw / "beratung")
    shutil.copyfile(generated / "beratung.xlsx", raw / "beratung.xlsx")
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    md = (project / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8")
    faelle = pd.read_excel(raw / "beratung.xlsx", sheet_name="Faelle")["faelle"].sum()
    assert f"wurden 2020 {faelle:,} Beratungsfälle gezählt".replace(",", ".") in md
    assert "Beratungsdatenstandard" not in md.split("## Beratung")[1].split("\n## ")[0]
    assert not (project / "reports/harz/2020/traeger").exists()


def test_statements_and_assessments_in_the_report(e2e_project):
    md = (e2e_project / "reports/harz/2020/sozialbericht.md").read_text(encoding="utf-8")
    district = yaml.safe_load((ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8"))
    chapter = md[md.index("## Stellungnahmen") :].split("\n## ")[0]
    for s in district["texte"]["stellungnahmen"]:
        date = ".".join(reversed(s["datum"].split("-")))
        assert f"### Stellungnahme: {s['von']}, {date}" in chapter
        assert (ROOT / s["datei"]).read_text(encoding="utf-8").strip() in chapter  # verbatim
    beratung = md[md.index("## Beratung") :].split("\n## ")[0]
    assert "::: einschaetzung" in beratung or "{.einschaetzung}" in beratung
    assert "**Einschätzung der Sozialplanung**" in beratung
    html = (e2e_project / "reports/harz/2020/sozialbericht.html").read_text(encoding="utf-8")
    assert 'class="einschaetzung"' in html and "Stellungnahme: Kreisarbeitsgemeinschaft" in html
