"""tabellen.xlsx: the sheet "Bedarfe" with the children per band and the expected people in need of care."""

from chapter_data import complete, demand
from openpyxl import load_workbook

from sozialbericht.publish.exports import write_xlsx


def test_sheet_with_children_and_care_per_year_and_variant(tmp_path):
    d = demand(complete(tmp_path))
    folder = d.write()
    context = {**d.context, "catalogue": d.catalogue}
    wb = load_workbook(write_xlsx(folder / "indikatoren.csv", context, tmp_path / "t.xlsx", {}, folder))
    assert wb.sheetnames.index("Bedarfe") == wb.sheetnames.index("Zeitreihen") - 1
    rows = list(wb["Bedarfe"].iter_rows(values_only=True))
    assert rows[0] == (
        "Bedarf", "Altersgruppe", "Jahr", "Variante (Zuwanderung nach Deutschland)", "Anzahl", "Art",
        "Pflegebedürftige nach den Pflegequoten Deutschlands (ohne Anpassung)", "Anpassungsfaktor (gezählt / nach Pflegequoten)",
    )  # fmt: skip
    kids = [r for r in rows[1:] if r[0] == "Kinder"]
    assert len(kids) == 3 * 16 * 3  # bands × years 2020–2035 × variants
    assert kids[:3] == [
        ("Kinder", "0 bis 2 Jahre (Krippe)", 2020, v, 1000, "vorausberechnet", None, None) for v in ("niedrig", "mittel", "hoch")
    ]
    assert ("Kinder", "0 bis 2 Jahre (Krippe)", 2035, "mittel", 700, "vorausberechnet", None, None) in kids
    care = [r for r in rows[1:] if r[0] == "Pflegebedürftige"]
    assert care[:3] == [
        ("Pflegebedürftige", "alle Altersgruppen", 2019, v, 1200, "gezählt (Pflegestatistik, 22411-02-03-4)", 1500, 0.8)
        for v in ("niedrig", "mittel", "hoch")
    ]
    assert ("Pflegebedürftige", "alle Altersgruppen", 2035, "mittel", 1440, "vorausberechnet", 1800, 0.8) in care
    assert all(isinstance(r[4], int) for r in rows[1:])
    notes = {r[0]: r[1] for r in wb["Hinweise"].iter_rows(values_only=True)}
    assert "Anpassungsfaktor" in notes["Blatt „Bedarfe“"]
    plain = load_workbook(write_xlsx(folder / "indikatoren.csv", context, tmp_path / "p.xlsx", {}))
    assert "Bedarfe" not in plain.sheetnames and "Blatt „Bedarfe“" not in {
        r[0] for r in plain["Hinweise"].iter_rows(values_only=True)
    }
