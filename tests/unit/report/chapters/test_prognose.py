"""Chapter "Bevölkerungsprognose" on a small district."""

import pandas as pd
from chapter_data import GEMEINDEN, District, build, cells, projection

from sozialbericht.report.chapters.prognose import PARTS, prognose_alt


def test_without_a_projection_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "prognose")
    assert "prognose" not in c.bericht.values


def test_the_table_by_planning_groups_and_the_values_of_the_text(tmp_path):
    d = District(tmp_path).national().table("prognose", projection())
    d.context["projection"]["kalibrierung"] = {"geburtenziffer": 1.5}
    c = build(d.kontext(), "prognose")
    table = cells(c, "prognose")
    assert table[0] == ["Altersgruppe", "2020", "2025", "2030", "2035", "Veränderung 2020–2035 in %"]
    assert table[1] == ["0 bis 2 Jahre (Krippe)", "1.000", "900", "800", "700", "−30,0"]
    assert table[8][0] == "**insgesamt**" and table[9][0] == "darunter 65 Jahre und älter"
    values = c.bericht.values["prognose"]
    assert values["zieljahr"] == 2035 and values["krippe"] == (1000, 700) and values["spanne"] == (6600, 6800)
    assert values["kalibrierung"]["jahre_deutschland"] == [] and values["gemeinde_modell"] is None
    assert "prognose" in c.bericht.figures and "prognose-gemeinden" not in c.bericht.tables


def test_the_alt_text_names_the_most_changing_group():
    wide = projection().query("variant == 'mittel'").pivot_table(index="group", columns="year", values="value")
    assert prognose_alt(wide, PARTS, 2020, 2035) == (
        "Liniendiagramm: Bis 2035 sinkt die Bevölkerung insgesamt auf 96 (Index 2020 = 100); "
        "am stärksten verändert sich die Gruppe 0 bis 2 Jahre (Krippe) (auf 70)."
    )


def test_the_gemeinden_add_up_to_the_kreis_in_their_table(tmp_path):
    d = District(tmp_path).national().table("prognose", projection())
    d.table(
        "prognose_gemeinden",
        pd.DataFrame(
            [
                {"area_id": g, "year": y, "group": "insgesamt", "value": v}
                for g, (a, b) in zip(GEMEINDEN, [(3000, 2900), (2000, 1900), (2000, 1900)])
                for y, v in ((2020, a), (2035, b))
            ]
        ),
    )
    d.context["projection"]["gemeinden"] = {"methode": "trend", "ohne_verlauf": []}
    c = build(d.kontext(), "prognose")
    table = cells(c, "prognose-gemeinden")
    assert table[0] == ["Gemeinde", "2020", "insgesamt 2035", "Veränderung insgesamt in %"]
    assert table[1] == ["Aue", "3.000", "2.900", "−3,3"] and table[-1][0] == "**Beispiel**"
    assert c.bericht.values["prognose"]["gemeinde_spanne"] == ("−5,0", "−3,3")
