"""Chapter "Beratung" on a small district."""

import pandas as pd
from chapter_data import GEMEINDEN, District, build, cells

FIELDS = ["Schuldnerberatung", "Schwangerschafts- und Schwangerschaftskonfliktberatung"]


def supply() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "beratungsfeld": FIELDS,
            "faelle": [120, 30],
            "faelle_je_10000": [300.0, 75.0],
            "anteil_mehrfach": [25.0, 10.0],
            "vzae": [1.5, 0.05],
            "vzae_je_10000": [0.375, 0.125],
            "richtwert_je_10000": [0.25, 0.25],
            "bezug": ["einwohner", "einwohner"],
            "vzae_bedarf": [1.0, 0.1],
            "differenz_vzae": [0.5, -0.05],
            "faelle_je_vzae": [80.0, 600.0],
            "quelle": ["Planungsannahme", "§ 4 SchKG"],
            "standorte": ["Aue, Stadt", "Aue, Stadt; Bachdorf"],
        }
    )


def travel() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"area_id": g, "beratungsfeld": f, "km": 2.0 * (i + 1) + j}
            for i, g in enumerate(GEMEINDEN)
            for j, f in enumerate(FIELDS)
        ]
    )


def providers() -> dict:
    return {
        "problemlagen": [
            {"id": "schulden", "name": "Schulden", "bereich": "Existenz"},
            {"id": "sucht", "name": "Sucht", "bereich": "Gesundheit"},
        ],
        "merkmale": {"altersgruppe": ["unter 18 Jahre", "18 bis unter 27 Jahre", "27 bis unter 45 Jahre"], "haushaltstyp": []},
        "regel": "Mindestens zwei Lebensbereiche.",
        "traeger": [
            {
                "name": "Träger A",
                "status": "ok",
                "faelle": 20,
                "felder": {"Schuldnerberatung": {"faelle": 20, "problemlagen": {"schulden": 20, "sucht": 2}}},
                "merkmale": {"altersgruppe": {"unter 18 Jahre": 2, "18 bis unter 27 Jahre": 8, "27 bis unter 45 Jahre": 10}},
                "stellen": [
                    {
                        "standort": "Stelle Aue",
                        "standort_ars": "150850001001",
                        "beratungsfeld": "Schuldnerberatung",
                        "vzae": 1.5,
                        "oeffnungsstunden": 20,
                        "barrierefrei": "ja",
                        "sprachen": None,
                    }
                ],
            },
            {"name": "Träger B", "status": "abgelehnt", "faelle": 0, "felder": {}, "merkmale": {}, "stellen": []},
        ],
    }


def test_without_counselling_data_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().own().kontext(), "beratung")
    assert "beratung" not in c.bericht.values


def test_supply_against_the_benchmarks_cases_by_gemeinde_and_distances(tmp_path):
    d = District(tmp_path).national().own().table("beratung_versorgung", supply()).table("beratung_wege", travel())
    c = build(d.kontext(), "beratung")
    table = cells(c, "beratung-versorgung")
    assert [r[0] for r in table[1:]] == ["Schuldnerberatung", "Schwangerschafts(konflikt)beratung"]
    assert table[2][7] == "−0,05" and table[2][8] == "Aue, Bachdorf"
    values = c.bericht.values["beratung"]
    assert values["luecken"] == [("Schwangerschafts(konflikt)beratung", "0,05")] and values["faelle"] == "150"
    assert values["je_10000"] == "3.750,0" and values["weitester"] == ("7", "Clausberg") and values["standard"] is None
    assert cells(c, "beratung-gemeinden")[0][1:] == [c.title_of(i) for i in c.rows_of("beratung-gemeinden")]
    assert cells(c, "beratung-wege")[1] == ["Aue", "2", "3"]
    assert all(
        c.bericht.uses[u] == ["beratung"] for u in ("tbl-beratung-versorgung", "tbl-beratung-wege", "fig-beratung-ausstattung")
    )


def test_the_providers_tables_hide_counts_below_three(tmp_path):
    d = District(tmp_path).national().own().table("beratung_versorgung", supply()).table("beratung_wege", travel())
    d.context["beratung_traeger"] = providers()
    c = build(d.kontext(), "beratung")
    assert cells(c, "beratung-problemlagen")[1:] == [["Schulden", "Existenz", "20", "100,0"], ["Sucht", "Gesundheit", ".", "."]]
    clientele = cells(c, "beratung-klientel")[1:]
    assert [r[2] for r in clientele] == [".", ".", "10"]  # 2 hidden, and 8 with it: the sum is shown
    assert cells(c, "beratung-stellen")[1] == ["Träger A", "Stelle Aue", "Aue", "Schuldnerberatung", "1,50", "20", "ja"]
    assert c.bericht.values["beratung"]["standard"] == {
        "traeger": ["Träger A"],
        "ausgeschlossen": ["Träger B"],
        "regel": "Mindestens zwei Lebensbereiche.",
    }
