"""Participation workbooks (ingest/participation.py): template, round trip, every problem at once."""

import hashlib
from pathlib import Path

import hostile_workbooks as hostile
import openpyxl
import pytest

from sozialbericht.ingest import participation as pt

CANDIDATES = ["kl_arbeitslosenanteil", "kl_langzeitarbeitslosenanteil", "kl_sgb2_quote", "kl_kinderarmut"]
ROWS = [
    {"kennung": c, "name": f"Indikator {i}", "definition": "Anteil …", "wert": 5.5 + i, "einheit": "%", "stand": "2020"}
    for i, c in enumerate(CANDIDATES)
]
PARTICIPANT = {"kennung": "traeger-a", "name": "Träger A", "rolle": "traeger"}
STAMP = "2020-12-31T00:00:00Z"


def template(tmp_path: Path, name="vorlage.xlsx", participant=PARTICIPANT) -> Path:
    return pt.write_template(tmp_path / name, participant, "Landkreis Harz", 2020, ROWS, STAMP)


def filled(tmp_path: Path, points, reasons=None, name="a.xlsx", participant=PARTICIPANT, edit=None) -> Path:
    """A filled workbook: ``points`` per candidate row (in order), optional reasons and edits
    (sheet → {cell: value})."""
    path = template(tmp_path, name, participant)
    wb = openpyxl.load_workbook(path)
    g = wb["Gewichte"]
    for i, value in enumerate(points, start=2):
        g.cell(row=i, column=7, value=value)
        if reasons:
            g.cell(row=i, column=8, value=reasons[i - 2])
    if reasons:  # typed text, also text that looks like a formula
        for i in range(2, 2 + len(reasons)):
            g.cell(row=i, column=8).data_type = "s"
    for sheet, cells in (edit or {}).items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    wb.save(path)
    return path


def test_the_template_is_byte_identical_for_the_same_content(tmp_path):
    a = template(tmp_path, "a.xlsx")
    b = template(tmp_path, "b.xlsx")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    rows = openpyxl.load_workbook(a)["Gewichte"]
    assert [c.value for c in rows[1]] == pt.COLUMNS
    assert [rows.cell(row=i, column=1).value for i in range(2, 6)] == CANDIDATES
    assert rows.cell(row=2, column=4).value == 5.5


def test_a_filled_workbook_reads_back(tmp_path):
    path = filled(tmp_path, [40, 30, "20,5", 9.5], ["Kern des Bedarfs", "", "", '=HYPERLINK("x")'])
    out = pt.read_workbook(path, CANDIDATES)
    assert out["status"] == "ok", out["fehler"]
    assert out["punkte"] == {
        "kl_arbeitslosenanteil": 40,
        "kl_langzeitarbeitslosenanteil": 30,
        "kl_sgb2_quote": 20.5,
        "kl_kinderarmut": 9.5,
    }
    assert out["kennung"] == "traeger-a" and out["rolle"] == "traeger" and out["name"] == "Träger A"
    assert out["begruendungen"]["kl_arbeitslosenanteil"] == "Kern des Bedarfs"
    # a formula a participant typed is text, never evaluated
    assert out["begruendungen"]["kl_kinderarmut"].startswith("=HYPERLINK")


def test_an_empty_cell_is_zero_points(tmp_path):
    out = pt.read_workbook(filled(tmp_path, [100, None, None, None]), CANDIDATES)
    assert out["status"] == "ok" and out["punkte"]["kl_kinderarmut"] == 0


def test_every_problem_at_once_with_sheet_row_and_column(tmp_path):
    path = filled(
        tmp_path,
        [-5, "viel", 50, 30],
        edit={"Teilnehmer": {"B3": "Träger A!", "B4": "chef"}},
    )
    out = pt.read_workbook(path, CANDIDATES)
    assert out["status"] == "fehler"
    text = "\n".join(out["fehler"])
    assert "Blatt „Gewichte“, Zeile 2, Spalte G („Punkte“): -5 ist negativ" in text
    assert "Blatt „Gewichte“, Zeile 3, Spalte G („Punkte“): „viel“ ist keine Zahl" in text
    assert "„träger a!“ ist keine Kennung" in text
    assert "„chef“ ist keine bekannte Rolle" in text
    assert len(out["fehler"]) == 4


def test_the_points_must_sum_to_100(tmp_path):
    out = pt.read_workbook(filled(tmp_path, [40, 30, 20, 5]), CANDIDATES)
    assert out["fehler"] == [
        "Blatt „Gewichte“, Spalte G („Punkte“): die Punkte ergeben zusammen 95 – genau 100 Punkte auf die Indikatoren verteilen"
    ]
    assert pt.read_workbook(filled(tmp_path, [33.333, 33.333, 33.334, 0]), CANDIDATES)["status"] == "ok"


def test_unknown_duplicate_and_missing_indicators(tmp_path):
    path = filled(tmp_path, [25, 25, 25, 25], edit={"Gewichte": {"A3": "kl_erfunden", "A5": "kl_arbeitslosenanteil"}})
    text = "\n".join(pt.read_workbook(path, CANDIDATES)["fehler"])
    assert "Zeile 3, Spalte A („Kennung“): unbekannter Indikator „kl_erfunden“" in text
    assert "Zeile 5, Spalte A („Kennung“): „kl_arbeitslosenanteil“ steht schon in Zeile 2" in text
    assert "es fehlen die Zeilen kl_langzeitarbeitslosenanteil, kl_kinderarmut" in text


def test_a_missing_sheet_a_damaged_or_foreign_file_leaves_out_only_its_participant(tmp_path):
    folder = tmp_path / "kreis"
    (folder / pt.FOLDER).mkdir(parents=True)
    good = filled(folder / pt.FOLDER, [25, 25, 25, 25], name="a.xlsx")
    wb = openpyxl.load_workbook(good)
    del wb["Teilnehmer"]
    wb.save(folder / pt.FOLDER / "b.xlsx")
    (folder / pt.FOLDER / "c.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    hostile.zip_bomb(good, folder / pt.FOLDER / "d.xlsx", 80)
    (folder / pt.FOLDER / "~$a.xlsx").write_bytes(b"lock")
    out = pt.read_participants(folder, CANDIDATES)
    assert [p["datei"] for p in out] == ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"]
    assert [p["status"] for p in out] == ["ok", "fehler", "fehler", "fehler"]
    assert "Tabellenblatt fehlt" in out[1]["fehler"][0]
    assert all(len(p["fehler"]) >= 1 and len(p["fehler"][0]) < 400 for p in out[1:])


def test_two_workbooks_with_one_kennung(tmp_path):
    folder = tmp_path / "kreis"
    (folder / pt.FOLDER).mkdir(parents=True)
    filled(folder / pt.FOLDER, [25, 25, 25, 25], name="a.xlsx")
    filled(folder / pt.FOLDER, [100, 0, 0, 0], name="b.xlsx")
    out = pt.read_participants(folder, CANDIDATES)
    assert [p["status"] for p in out] == ["ok", "fehler"]
    assert "traeger-a" in out[1]["fehler"][0]


@pytest.mark.parametrize("value", ["inf", "1e400", "nan", True])
def test_odd_numbers_are_refused(tmp_path, value):
    out = pt.read_workbook(filled(tmp_path, [value, 50, 25, 25]), CANDIDATES)
    assert out["status"] == "fehler"


def test_a_long_reason_is_cut_and_kept_as_text(tmp_path):
    out = pt.read_workbook(filled(tmp_path, [25, 25, 25, 25], ["<script>" * 100, "", "", ""]), CANDIDATES)
    assert out["status"] == "ok" and len(out["begruendungen"]["kl_arbeitslosenanteil"]) == pt.MAX_REASON
