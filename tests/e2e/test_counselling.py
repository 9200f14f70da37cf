"""Cooperative planning with the free providers (issue 14): the counselling data standard, its
checks per provider, the derived multi-problem cases, the receipts and the statements.

Unit tests read the committed example workbooks (data/raw/harz/beratung/, synthetic); the
workflow tests run the example in a copy of the project with an added small provider (counts of 1
and 2), a damaged provider workbook, a demanded complete chapter, and the old aggregate template.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_tree, run_workflow
from pypdf import PdfReader

from sozialbericht.core.files import read_tidy
from sozialbericht.ingest.counselling import is_multi, read_provider, read_providers, staged_tables, summary, write_workbook
from sozialbericht.ingest.own_data import current_gemeinden
from sozialbericht.ingest.staging import stage_table

STANDARD = yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8"))
HARZ = ROOT / "data" / "raw" / "harz"
AREA_OF_LIFE = {p["id"]: p["bereich"] for p in STANDARD["problemlagen"]}


@pytest.fixture(scope="module")
def gemeinden() -> dict[str, str]:
    datasets = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
    gv = datasets["gemeindeverzeichnis"]
    return current_gemeinden(stage_table(gv, [ROOT / "data" / "raw" / f for f in gv["files"]]), "15085")


def _sheet_rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if any(c not in (None, "") for c in r)]


# --- the rule -------------------------------------------------------------------------------------
def test_multi_problem_rule_counts_areas_of_life_not_problem_areas():
    assert not is_multi({"schulden"}, STANDARD)
    assert not is_multi({"schulden", "wohnen", "arbeit_existenz"}, STANDARD)  # three problems, one area of life
    assert is_multi({"schulden", "sucht"}, STANDARD)
    stricter = {**STANDARD, "mehrfachproblematik": {"mindestens_bereiche": 3}}
    assert not is_multi({"schulden", "sucht"}, stricter) and is_multi({"schulden", "sucht", "gewalt"}, stricter)


def test_example_multi_problem_cases_follow_the_rule(gemeinden):
    """Recomputed from the raw workbooks, independently of the reader: cases with problem areas from
    at least two areas of life; the staged table (the source of the indicator) agrees."""
    providers = read_providers(HARZ, STANDARD, gemeinden, 2020)
    this_year = [p for p in providers if p["jahr"] == 2020]
    assert len(this_year) >= 3 and all(p["status"] == "ok" for p in providers)
    staged = staged_tables(providers, 2020, gemeinden)["beratung_faelle"]
    for p in this_year:
        rows = _sheet_rows(HARZ / "beratung" / p["datei"], "Faelle")
        expected_cases = sum(int(r.get("anzahl") or 1) for r in rows)
        expected_multi = sum(
            int(r.get("anzahl") or 1) for r in rows if len({AREA_OF_LIFE[a] for a in AREA_OF_LIFE if r.get(a) == "x"}) >= 2
        )
        own = staged[staged["traeger"] == p["kennung"]]
        assert own[own["variable"] == "faelle"]["value"].sum() == expected_cases
        assert own[own["variable"] == "mehrfachproblematik"]["value"].sum() == expected_multi
        assert 0.1 < expected_multi / expected_cases < 0.5
    s = summary(providers, STANDARD, 2020)
    assert "mindestens 2 verschiedenen Lebensbereichen" in s["regel"]
    assert all(t["vorjahr"] for t in s["traeger"])  # last year's workbooks are there for the comparison


# --- checks per provider ----------------------------------------------------------------------------
def _damaged(tmp_path, changes) -> Path:
    src = HARZ / "beratung" / "traeger-c_2020.xlsx"
    wb = openpyxl.load_workbook(src)
    for sheet, row, column, value in changes:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    target = tmp_path / "beratung" / "traeger-c_2020.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def test_a_damaged_workbook_gets_every_problem_with_its_excel_place(tmp_path, gemeinden):
    path = _damaged(
        tmp_path,
        [
            ("Faelle", 5, "wohnort_ars", "1508513"),
            ("Faelle", 7, "beratungsfeld", "Schwangerenberatung"),
            ("Faelle", 9, "sucht", "vielleicht"),
            ("Faelle", 11, "geschlecht", "w"),
            ("Stellen", 2, "vzae", "anderthalb"),
        ],
    )
    p = read_provider(path, STANDARD, gemeinden)
    assert p["status"] == "fehler" and len(p["fehler"]) == 5
    text = "\n".join(p["fehler"])
    assert "Blatt „Faelle“, Zeile 5, Spalte B („wohnort_ars“): „1508513“ ist kein zwölfstelliger Gemeindeschlüssel" in text
    assert "als Text formatieren" in text  # how to fix it in Excel
    assert "Zeile 7, Spalte C („beratungsfeld“): „Schwangerenberatung“ ist kein Beratungsfeld" in text
    assert "Zeile 9" in text and "„vielleicht“ ist kein Ankreuzwert" in text
    assert "Zeile 11" in text and "„w“ ist nicht zulässig" in text and "männlich, weiblich" in text
    assert "Blatt „Stellen“, Zeile 2" in text and "„anderthalb“ ist keine Stellenzahl" in text


def test_a_workbook_without_its_sheets_or_unreadable_is_refused_not_fatal(tmp_path, gemeinden):
    wb = openpyxl.Workbook()
    wb.active.title = "Tabelle1"
    wb.save(tmp_path / "leer.xlsx")
    p = read_provider(tmp_path / "leer.xlsx", STANDARD, gemeinden)
    assert p["status"] == "fehler" and "Tabellenblatt fehlt" in p["fehler"][0] and "Traeger" in p["fehler"][0]
    (tmp_path / "kaputt.xlsx").write_bytes(b"PK\x03\x04 kein Excel")
    p = read_provider(tmp_path / "kaputt.xlsx", STANDARD, gemeinden)
    assert p["status"] == "fehler" and "lässt sich nicht öffnen" in p["fehler"][0]


def test_the_template_is_readable_and_a_filled_copy_passes(tmp_path, gemeinden):
    ars = sorted(gemeinden)[0]
    case = {
        "wohnort_ars": ars,
        "beratungsfeld": "Suchtberatung",
        "altersgruppe": "27 bis unter 45 Jahre",
        "geschlecht": "männlich",
    }
    case.update({"haushaltstyp": "alleinlebend", "sucht": True, "schulden": True})
    site = {"standort_ars": ars, "standort": "Stelle Mitte", "beratungsfeld": "Suchtberatung", "vzae": 1.5}
    meta = {"Träger": "Träger Test", "Berichtsjahr": 2020}
    path = write_workbook(
        tmp_path / "test.xlsx", STANDARD, gemeinden, meta, [case, {**case, "anzahl": 4}], [site], "2021-01-01T00:00:00Z"
    )
    p = read_provider(path, STANDARD, gemeinden)
    assert p["status"] == "ok", p["fehler"]
    assert p["kennung"] == "traeger-test" and p["jahr"] == 2020
    assert p["faelle"]["anzahl"].sum() == 5 and p["faelle"]["mehrfach"].all()
    explanation = [r[0] for r in openpyxl.load_workbook(path)["Erläuterung"].iter_rows(values_only=True)]
    assert any("Mehrfachproblematik" in str(x) for x in explanation)


# --- the workflow -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cooperative(e2e_project, tmp_path_factory, gemeinden):
    """The example with a fifth provider that has only a few cases and a sixth whose workbook is
    damaged; published once."""
    project = copy_tree(e2e_project, tmp_path_factory.mktemp("traeger") / "project")
    folder = project / "data" / "raw" / "harz" / "beratung"
    ars = sorted(gemeinden)
    base = {"altersgruppe": "27 bis unter 45 Jahre", "geschlecht": "weiblich", "haushaltstyp": "alleinerziehend"}
    small = [
        {**base, "wohnort_ars": ars[0], "beratungsfeld": "Suchtberatung", "sucht": True, "gewalt": True},
        {**base, "wohnort_ars": ars[1], "beratungsfeld": "Suchtberatung", "sucht": True},
        *({**base, "wohnort_ars": ars[i % 5], "beratungsfeld": "Schuldnerberatung", "schulden": True} for i in range(9)),
    ]
    site = {"standort_ars": ars[0], "standort": "Außenstelle", "beratungsfeld": "Suchtberatung", "vzae": 0.5}
    stamp = "2021-01-31T00:00:00Z"
    write_workbook(
        folder / "traeger-e_2020.xlsx", STANDARD, gemeinden, {"Träger": "Träger E", "Berichtsjahr": 2020}, small, [site], stamp
    )
    bad = [{**base, "wohnort_ars": "1508513", "beratungsfeld": "Suchtberatung", "sucht": True}]
    write_workbook(
        folder / "traeger-f_2020.xlsx", STANDARD, gemeinden, {"Träger": "Träger F", "Berichtsjahr": 2020}, bad, [], stamp
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
    names = {p: _sheet_rows(p, "Traeger") for p in providers}
    names = {p: next(r["Wert"] for r in rows if r["Feld"] == "Träger") for p, rows in names.items()}
    for path in providers:
        rows = _sheet_rows(path, "Faelle")
        cases = sum(int(r.get("anzahl") or 1) for r in rows)
        text = _receipt_text(e2e_project, path.stem.split("_")[0])
        expected = f"{len(rows):,} Zeilen mit zusammen {cases:,} Fällen".replace(",", ".")
        assert expected in text, (path.name, expected)
        assert path.name in text and names[path] in text
        for other in set(names.values()) - {names[path]}:
            assert other not in text  # nothing of another provider
        sites = _sheet_rows(path, "Stellen")
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
