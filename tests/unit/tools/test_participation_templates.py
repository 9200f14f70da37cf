"""``sozialbericht vorlage-beteiligung``: the participants' workbooks show only published values."""

from pathlib import Path

from sozialbericht.ingest import participation as pt
from sozialbericht.tools.participation import candidate_rows, published_values

CATALOGUE = [
    {"id": "kl_a", "name": "Anteil A", "definition": "A je 100", "unit": "%", "decimals": 1},
    {"id": "kl_b", "name": "Anteil B", "definition": "B je 100", "unit": "%", "decimals": 1},
]


def test_values_are_the_published_ones_rounded_and_a_suppressed_value_stays_empty(tmp_path: Path):
    csv = tmp_path / "indikatoren.csv"
    csv.write_text(
        "indicator_id,area_id,area_name,area_level,period,value,unit,flag,synthetic\n"
        "kl_a,15085,Landkreis Harz,kreis,2019,4.44,%,,True\n"
        "kl_a,15085,Landkreis Harz,kreis,2020,5.1357,%,,True\n"
        "kl_b,15085,Landkreis Harz,kreis,2020-12-31,,%,.,True\n"
        "kl_a,150850135135,Halberstadt,gemeinde,2020,9.9,%,,True\n",
        encoding="utf-8",
    )
    rows = candidate_rows(CATALOGUE, ["kl_a", "kl_b"], published_values(csv, "15085", 2020))
    assert rows[0]["wert"] == 5.1 and rows[0]["stand"] == "2020"
    assert rows[1]["wert"] is None and rows[1]["stand"] == "31.12.2020"
    path = pt.write_template(
        tmp_path / "t.xlsx",
        {"kennung": "jc", "name": "Jobcenter", "rolle": "jobcenter"},
        "Landkreis Harz",
        2020,
        rows,
        "2021-01-01T00:00:00Z",
    )
    out = pt.read_workbook(path, ["kl_a", "kl_b"])
    # an unfilled template is refused for its sum, not for its structure
    assert out["fehler"] == [
        "Blatt „Gewichte“, Spalte G („Punkte“): die Punkte ergeben zusammen 0 – genau 100 Punkte auf die Indikatoren verteilen"
    ]


def test_without_a_published_report_the_values_are_empty(tmp_path: Path):
    assert published_values(tmp_path / "fehlt.csv", "15085", 2020) == {}
    assert candidate_rows(CATALOGUE, ["kl_a"], {})[0]["wert"] is None
