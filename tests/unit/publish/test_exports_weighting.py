"""tabellen.xlsx: the weights and the robustness of the social index, beside the indicator sheets."""

from chapter_data import complete, weighting
from openpyxl import load_workbook

from sozialbericht.publish.exports import write_xlsx


def test_sheets_with_the_weights_and_the_robustness_of_every_class(tmp_path):
    d = weighting(complete(tmp_path))
    folder = d.write()
    context = {**d.context, "catalogue": d.catalogue, "gemeinden": {"150850003003": "Clausberg"}}
    wb = load_workbook(write_xlsx(folder / "indikatoren.csv", context, tmp_path / "t.xlsx", {}, folder))
    assert wb.sheetnames.index("Sozialindex Gewichte") == wb.sheetnames.index("Gemeinden") + 1
    weights = list(wb["Sozialindex Gewichte"].iter_rows(values_only=True))
    assert weights[0] == (
        "Kennung", "Indikator", "Gleiche Gewichte (%)", "Träger X (%)", "Jobcenter Beispiel (%)", "Konsens (Median) (%)",
        "Effektive Gewichte bei gleichen Gewichten (%)", "Effektive Gewichte beim Konsens (%)",
    )  # fmt: skip
    assert weights[1] == ("kl_sgb2_quote", "SGB-II-Quote", 50, 70, 50, 60, 52, 63)
    robust = list(wb["Sozialindex Robustheit"].iter_rows(values_only=True))
    assert robust[0][3:5] == ("Statusklasse", "Statusklasse bei gleichen Gewichten")
    assert robust[3] == ("150850003003", "Clausberg", -1.1, "hoch", "mittel", 3, 2.5, 2, 3, 55, "unsicher")
    assert wb["Sozialindex Robustheit"].auto_filter.ref == "A1:K4"
    plain = load_workbook(write_xlsx(folder / "indikatoren.csv", context, tmp_path / "p.xlsx", {}))
    assert "Sozialindex Gewichte" not in plain.sheetnames
