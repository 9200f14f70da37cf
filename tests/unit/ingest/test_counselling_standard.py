"""The counselling data standard of the providers (issue 14): the multi-problem rule, the checks
per provider with the Excel place of every problem, and the template. Read from the committed
example workbooks (data/raw/harz/beratung/, synthetic); the workflow with the standard (receipts,
chapter, statements): tests/e2e/test_counselling.py.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import yaml
from conftest import ROOT, sheet_rows

from sozialbericht.ingest.counselling.multiproblem import is_multi
from sozialbericht.ingest.counselling.providers import read_providers
from sozialbericht.ingest.counselling.summary import summary
from sozialbericht.ingest.counselling.tables import staged_tables
from sozialbericht.ingest.counselling.template import write_workbook
from sozialbericht.ingest.counselling.workbook import read_provider

STANDARD = yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8"))
HARZ = ROOT / "data" / "raw" / "harz"
AREA_OF_LIFE = {p["id"]: p["bereich"] for p in STANDARD["problemlagen"]}


# --- the rule -------------------------------------------------------------------------------------
def test_multi_problem_rule_counts_areas_of_life_not_problem_areas():
    assert not is_multi({"schulden"}, STANDARD)
    assert not is_multi({"schulden", "wohnen", "arbeit_existenz"}, STANDARD)  # three problems, one area of life
    assert is_multi({"schulden", "sucht"}, STANDARD)
    stricter = {**STANDARD, "mehrfachproblematik": {"mindestens_bereiche": 3}}
    assert not is_multi({"schulden", "sucht"}, stricter) and is_multi({"schulden", "sucht", "gewalt"}, stricter)


def test_example_multi_problem_cases_follow_the_rule(harz_gemeinden):
    """Recomputed from the raw workbooks, independently of the reader: cases with problem areas from
    at least two areas of life; the staged table (the source of the indicator) agrees."""
    providers = read_providers(HARZ, STANDARD, harz_gemeinden, 2020)
    this_year = [p for p in providers if p["jahr"] == 2020]
    assert len(this_year) >= 3 and all(p["status"] == "ok" for p in providers)
    staged = staged_tables(providers, 2020, harz_gemeinden)["beratung_faelle"]
    for p in this_year:
        rows = sheet_rows(HARZ / "beratung" / p["datei"], "Faelle")
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


def test_a_damaged_workbook_gets_every_problem_with_its_excel_place(tmp_path, harz_gemeinden):
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
    p = read_provider(path, STANDARD, harz_gemeinden)
    assert p["status"] == "fehler" and len(p["fehler"]) == 5
    text = "\n".join(p["fehler"])
    assert "Blatt „Faelle“, Zeile 5, Spalte B („wohnort_ars“): „1508513“ ist kein zwölfstelliger Gemeindeschlüssel" in text
    assert "als Text formatieren" in text  # how to fix it in Excel
    assert "Zeile 7, Spalte C („beratungsfeld“): „Schwangerenberatung“ ist kein Beratungsfeld" in text
    assert "Zeile 9" in text and "„vielleicht“ ist kein Ankreuzwert" in text
    assert "Zeile 11" in text and "„w“ ist nicht zulässig" in text and "männlich, weiblich" in text
    assert "Blatt „Stellen“, Zeile 2" in text and "„anderthalb“ ist keine Stellenzahl" in text


def test_a_workbook_without_its_sheets_or_unreadable_is_refused_not_fatal(tmp_path, harz_gemeinden):
    wb = openpyxl.Workbook()
    wb.active.title = "Tabelle1"
    wb.save(tmp_path / "leer.xlsx")
    p = read_provider(tmp_path / "leer.xlsx", STANDARD, harz_gemeinden)
    assert p["status"] == "fehler" and "Tabellenblatt fehlt" in p["fehler"][0] and "Traeger" in p["fehler"][0]
    (tmp_path / "kaputt.xlsx").write_bytes(b"PK\x03\x04 kein Excel")
    p = read_provider(tmp_path / "kaputt.xlsx", STANDARD, harz_gemeinden)
    assert p["status"] == "fehler" and "lässt sich nicht öffnen" in p["fehler"][0]


def test_the_template_is_readable_and_a_filled_copy_passes(tmp_path, harz_gemeinden):
    ars = sorted(harz_gemeinden)[0]
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
        tmp_path / "test.xlsx", STANDARD, harz_gemeinden, meta, [case, {**case, "anzahl": 4}], [site], "2021-01-01T00:00:00Z"
    )
    p = read_provider(path, STANDARD, harz_gemeinden)
    assert p["status"] == "ok", p["fehler"]
    assert p["kennung"] == "traeger-test" and p["jahr"] == 2020
    assert p["faelle"]["anzahl"].sum() == 5 and p["faelle"]["mehrfach"].all()
    explanation = [r[0] for r in openpyxl.load_workbook(path)["Erläuterung"].iter_rows(values_only=True)]
    assert any("Mehrfachproblematik" in str(x) for x in explanation)
