"""Chapter "Bevölkerungsprognose" on a small district."""

import re

import pandas as pd
import pytest
from chapter_data import GEMEINDEN, District, build, cells, projection, rendered

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


# --- what the projection means for Kitas, schools and care ------------------------------------------
def with_demand(tmp_path, **kwargs):
    from chapter_data import complete, demand

    return demand(complete(tmp_path), **kwargs)


def test_without_demand_tables_no_demand_section(tmp_path):
    d = District(tmp_path).national().table("prognose", projection())
    d.context["projection"]["kalibrierung"] = {"geburtenziffer": 1.5}
    c = build(d.kontext(), "prognose")
    assert c.bericht.values["prognose"]["bedarf"] is None and "bedarf-kinder" not in c.bericht.tables


def test_children_per_band_table_figure_and_text(tmp_path):
    d = with_demand(tmp_path)
    d.context["projection"]["backtest"] = {"beschreibung": "alle Kreise", "median": 0.5, "p90": 1.5}
    c = build(d.kontext(), "prognose")
    table = cells(c, "bedarf-kinder")
    assert table[0] == ["Jahr", "0 bis 2 Jahre (Krippe)", "3 bis 5 Jahre (Kita)", "6 bis 9 Jahre (Grundschule)"]
    assert [r[0] for r in table[1:]] == ["2020", "2025", "2030", "2035", "Spanne 2035", "Veränderung 2020–2035 in %"]
    assert table[4] == ["2035", "700", "1.000", "1.000"] and table[5][1] == "690 – 710" and table[6][1] == "−30,0"
    assert "bedarf-kinder" in c.bericht.figures
    kinder = c.bericht.values["prognose"]["bedarf"]["kinder"]
    assert kinder["krippe"]["basis"] == 1000 and kinder["krippe"]["ziel"] == 700 and kinder["krippe"]["spanne"] == (690, 710)
    text = rendered(c, "prognose")
    assert "Im Krippenalter (0 bis 2 Jahre) sinkt die Zahl der Kinder bis 2035 von 1.000 auf 700 (−30,0 %)," in text
    assert "im Kita-Alter (3 bis 5 Jahre) bleibt sie mit 1.000 etwa gleich" in text
    assert "zwischen 690 und 710 (Krippe); 990 und 1.010 (Kita) sowie 990 und 1.010 (Grundschule).\nDas sind Kinder" in text
    # the introduction leaves the children to the section instead of naming them twice
    assert "im Kita-Alter von" not in text and "Abschnitt „Kinder und Pflegebedürftige“" in text
    assert "„Kinder und Pflegebedürftige“ am Ende des Kapitels.\n\n**Wie genau sind solche Prognosen?**" in text


def test_a_low_between_the_base_and_the_target_year_is_named(tmp_path):
    from chapter_data import children_demand

    d = with_demand(tmp_path)
    kids = children_demand()
    dip = (kids["band"] == "3 bis 5 Jahre (Kita)") & (kids["year"] == 2028)
    d.table("bedarf_kinder", kids.assign(value=kids["value"].where(~dip, 900.0)))
    c = build(d.kontext(), "prognose")
    assert c.bericht.values["prognose"]["bedarf"]["kinder"]["kita"]["tief"] == (2028, 900.0)
    text = rendered(c, "prognose")
    assert re.search(
        r"Die Zahl der Kinder im Kita-Alter \(3 bis 5 Jahre\) ist zwischendurch am niedrigsten: 2028 mit 900\.\s+Das sind", text
    )


def test_care_base_year_equals_the_kreis_count_in_the_table_and_the_data(tmp_path):
    c = build(with_demand(tmp_path).kontext(), "prognose")
    table = cells(c, "bedarf-pflege")
    count = c.data.value("pflegebeduerftige", "15085", "2019-12-31")
    assert table[1][0] == "31.12.2019 (gezählt)" and table[1][1] == c.cell("pflegebeduerftige", "15085", "2019-12-31") == "1.200"
    care = c.data.table("bedarf_pflege")
    assert (care[care["year"] == 2019]["value"] == count).all()
    # every expected number is the rates' number (last column) times the factor count / rates' number at the count's date
    factor = count / 1500
    for row in table[2:]:
        assert float(row[1].replace(".", "")) == round(float(row[4].replace(".", "")) * factor)
    assert table[4] == ["2035", "1.440", "1.420 – 1.460", "+20,0", "1.800"]
    pflege = c.bericht.values["prognose"]["bedarf"]["pflege"]
    assert pflege["gezaehlt"] == count and pflege["faktor"] == 0.8 and pflege["stichtag"] == "31.12.2019"
    text = rendered(c, "prognose")
    assert "Am 31.12.2019 waren im Landkreis Beispiel 1.200 Menschen pflegebedürftig" in text
    assert "ergäben diese Quoten 1.500 Pflegebedürftige; gezählt wurden rund 20 % weniger." in text
    assert "**Anpassungsfaktor 0,80**" in text and "2035 rund 1.440 Menschen pflegebedürftig sein" in text
    assert "daran, dass die Quoten aus dem Jahr 2021 stammen, die Zählung aus dem Jahr 2019" in text
    assert "nicht alle mit der veröffentlichten Tabelle abgeglichen" in text and "bedarf-pflege" in c.bericht.figures


def test_a_count_above_the_rates_is_said_to_be_higher(tmp_path):
    c = build(with_demand(tmp_path, count=1650.0).kontext(), "prognose")
    text = rendered(c, "prognose")
    assert "gezählt wurden rund 10 % mehr" in text and "also mehr Pflegebedürftige, als die Quoten Deutschlands" in text
    assert "**Anpassungsfaktor 1,10**" in text


def test_the_method_names_the_rates_source_and_the_unchecked_bands(tmp_path):
    from chapter_data import care_rates_info

    before = ("familien", "existenzsicherung", "beratung", "sozialindex", "prognose", "methodik")
    c = build(with_demand(tmp_path).kontext(), *before)
    text = rendered(c, "methodik")
    assert "### Bedarfe aus der Bevölkerungsprognose" in text
    assert (
        "Tabelle „Pflegebedürftige nach Altersgruppen und Geschlecht, Pflegequoten“ (Statistisches Bundesamt (Destatis), 2021)"
        in text
    )
    assert "hier 1.200 geteilt durch 1.500, also f = 0,80" in text and "Status-quo-Annahme" in text
    assert "Nur die Pflegequoten für die Altersgruppen ab 85 Jahren sind mit einer veröffentlichten Tabelle abgeglichen." in text
    assert "Die Quoten für die Altersgruppen unter 85 Jahren wurden ohne Zugriff auf die Tabelle eingetragen" in text
    assert "- **Pflegequoten Deutschland**" in text and "Nicht alle Werte sind mit der Tabelle abgeglichen" in text
    checked = with_demand(tmp_path / "geprueft").document("pflegequoten.json", care_rates_info(checked_from=0))
    c = build(checked.kontext(), *before)
    assert "Alle Pflegequoten sind mit der veröffentlichten Tabelle abgeglichen." in rendered(c, "methodik")
    assert "nicht alle" not in rendered(c, "prognose")
    without = build(District(tmp_path / "ohne").national().kontext(), *before)
    assert "Bedarfe aus der" not in rendered(without, "methodik")


def test_age_ranges_merge_adjoining_bands():
    from sozialbericht.report.chapters.prognose import age_ranges

    bands = [{"von": 0, "bis": 15}, {"von": 15, "bis": 60}, {"von": 85, "bis": 90}, {"von": 90, "bis": None}]
    assert age_ranges(bands) == ["unter 60 Jahren", "ab 85 Jahren"]
    assert age_ranges([{"von": 60, "bis": 65}, {"von": 70, "bis": 75}]) == ["60 bis unter 65 Jahren", "70 bis unter 75 Jahren"]


def gemeinde_children(values: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """``prognose_gemeinden.csv`` with Krippe and Kita per Gemeinde: (Krippe 2020, 2035, Kita 2020, 2035)."""
    rows = []
    for g, (k0, k1, t0, t1) in values.items():
        for year, krippe, kita in ((2020, k0, t0), (2035, k1, t1)):
            rows += [
                {"area_id": g, "year": year, "group": "0 bis 2 Jahre (Krippe)", "value": krippe},
                {"area_id": g, "year": year, "group": "3 bis 5 Jahre (Kita)", "value": kita},
                {"area_id": g, "year": year, "group": "insgesamt", "value": 2000},
            ]
    return pd.DataFrame(rows)


#: Aue, Bachdorf, Clausberg: Krippe 500 → 350, 300 → 200, 200 → 150; Kita 500 → 550, 300 → 270, 200 → 180.
GEMEINDE_KIDS = dict(zip(GEMEINDEN, [(500, 350, 500, 550), (300, 200, 300, 270), (200, 150, 200, 180)]))


@pytest.mark.parametrize(
    "model, shown",
    [
        ({"methode": "trend", "fast_gleich": False}, True),
        ({"methode": "trend", "fast_gleich": True}, False),  # every Gemeinde changes practically like the Kreis
        ({"methode": "konstante Anteile", "fast_gleich": False}, False),
    ],
)
def test_children_by_gemeinde_only_where_their_projection_sets_them_apart(tmp_path, model, shown):
    d = with_demand(tmp_path).table("prognose_gemeinden", gemeinde_children(GEMEINDE_KIDS))
    d.context["projection"]["gemeinden"] = {
        "ohne_verlauf": [], "jahre": [2013, 2017, 2019], "basisjahr": 2019, "grund": "weil", "rueckblick": None, **model
    }  # fmt: skip
    c = build(d.kontext(), "prognose")
    assert ("prognose-kinder-gemeinden" in c.bericht.tables) is shown
    if shown:
        table = cells(c, "prognose-kinder-gemeinden")
        assert table[0] == [
            "Gemeinde", "0 bis 2 Jahre (Krippe) 2020", "0 bis 2 Jahre (Krippe) 2035", "Veränderung in %",
            "3 bis 5 Jahre (Kita) 2020", "3 bis 5 Jahre (Kita) 2035", "Veränderung in %",
        ]  # fmt: skip
        assert table[1] == ["Aue", "500", "350", "−30,0", "500", "550", "+10,0"]
        assert table[-1] == ["**Beispiel**", "**1.000**", "**700**", "**−30,0**", "**1.000**", "**1.000**", "**0,0**"]
        assert "im Kita-Alter zwischen −10,0 % (Bachdorf) und +10,0 % (Aue)." in rendered(c, "prognose")


def test_children_by_gemeindeverband_with_every_gemeinde_in_the_annex(tmp_path, monkeypatch):
    import chapter_data

    monkeypatch.setitem(chapter_data.LEVELS, "150855001", ("Verband Süd", "gemeindeverband"))
    monkeypatch.setitem(chapter_data.LEVELS, "150855002", ("Verband Nord", "gemeindeverband"))
    d = with_demand(tmp_path).table("prognose_gemeinden", gemeinde_children(GEMEINDE_KIDS))
    d.add("gem_bevoelkerung", "150855001", "2019-12-31", 5000.0).add("gem_bevoelkerung", "150855002", "2019-12-31", 2000.0)
    ids = list(GEMEINDEN)
    d.context["verbaende"] = {
        "150855001": {"name": "Verband Süd", "art": "Verbandsgemeinde", "gemeinden": ids[:2]},
        "150855002": {"name": "Verband Nord", "art": "Verbandsgemeinde", "gemeinden": ids[2:]},
    }
    d.context["projection"]["gemeinden"] = {
        "methode": "trend",
        "fast_gleich": False,
        "ohne_verlauf": [],
        "jahre": [2013, 2019],
        "rueckblick": None,
    }
    c = build(d.kontext(), "gemeinden", "prognose", "anhang")
    table = cells(c, "prognose-kinder-gemeinden")
    assert table[0][0] == "Gemeindeverband"
    assert table[1] == ["Verband Nord", "200", "150", "−25,0", "200", "180", "−10,0"]
    assert table[2] == ["Verband Süd", "800", "550", "−31,2", "800", "820", "+2,5"]
    every = cells(c, "prognose-kinder-alle")
    assert [r[0] for r in every[1:]] == ["Aue", "Bachdorf", "Clausberg"]
    assert c.bericht.values["anhang"]["kindertabelle"] is True
    assert "Kinder im Krippen- und Kita-Alter in allen Gemeinden" in rendered(c, "anhang")
    assert "jede Gemeinde steht im Anhang" in rendered(c, "prognose")


def test_care_without_the_rates_source_is_left_out(tmp_path):
    d = with_demand(tmp_path)
    d.documents.clear()  # no pflegequoten.json: the rates could not be cited
    c = build(d.kontext(), "prognose")
    bedarf = c.bericht.values["prognose"]["bedarf"]
    assert bedarf["pflege"] is None and bedarf["kinder"] is not None and "bedarf-pflege" not in c.bericht.tables
    assert "**Pflegebedürftige.**" not in rendered(c, "prognose")
