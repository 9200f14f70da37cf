"""tabellen.xlsx: the Kreis beside its Vergleichskreise (the comparison table and the group)."""

from chapter_data import KREIS, District, comparison
from openpyxl import load_workbook

from sozialbericht.publish.exports import write_xlsx


def _workbook(d: District, tmp_path, work_dir=True):
    folder = d.write()
    context = {**d.context, "catalogue": d.catalogue}
    return load_workbook(write_xlsx(folder / "indikatoren.csv", context, tmp_path / "t.xlsx", {}, folder if work_dir else None))


def test_the_comparison_table_with_the_values_of_vergleich_csv_and_the_group(tmp_path):
    d = comparison(District(tmp_path).national().add("arbeitslosenquote", KREIS, "2020", 40.0))
    wb = _workbook(d, tmp_path)
    assert wb.sheetnames.index("Vergleichskreise Liste") == wb.sheetnames.index("Vergleichskreise") + 1
    rows = list(wb["Vergleichskreise"].iter_rows(values_only=True))
    assert rows[0][4:] == (
        "Wert des Kreises", "Median der Vergleichskreise", "25-%-Quantil (P25)", "75-%-Quantil (P75)",
        "Vergleichskreise mit Wert", "Rang (1 = höchster Wert)", "Lage zum mittleren Bereich",
    )  # fmt: skip
    table = d.tables["vergleich"].set_index("indicator_id")
    by_id = {r[1]: r for r in rows[1:]}
    assert list(by_id) == list(table.index)
    for ind, r in by_id.items():  # the numbers of vergleich.csv, unrounded (rounded only in the format)
        assert r[4:8] == tuple(float(table.at[ind, k]) for k in ("value", "median", "p25", "p75")), ind
    assert by_id["arbeitslosenquote"][2:] == ("%", 2020, 40.0, 25.0, 20.0, 30.0, 5, 1, "oberhalb (über P75)")
    sheet = wb["Vergleichskreise"]
    assert sheet["E2"].number_format == sheet["F2"].number_format == "#,##0.0" and sheet.auto_filter.ref == "A1:K10"
    group = list(wb["Vergleichskreise Liste"].iter_rows(values_only=True))
    assert group[0] == ("Nr.", "Regionalschlüssel", "Kreis", "Land", "Abstand", "Auswahl")
    assert group[3] == (3, "16076", "Landkreis Greiz", "Thüringen", 0.7, "berechnet (nächste Nachbarn)")
    notes = [r[0] for r in wb["Hinweise"].iter_rows(values_only=True)]
    assert "Blätter „Vergleichskreise …“" in notes


def test_without_a_comparison_there_is_no_sheet(tmp_path):
    wb = _workbook(District(tmp_path).national(), tmp_path)
    assert "Vergleichskreise" not in wb.sheetnames
    own = _workbook(comparison(District(tmp_path / "eigen").national(), own=True), tmp_path / "eigen")
    assert list(own["Vergleichskreise Liste"].iter_rows(values_only=True))[1][4:] == (None, "eigene Auswahl des Kreises")
