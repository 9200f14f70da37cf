"""Chapter "Vergleichskreise" on a small district, and what the Zusammenfassung and "Auf einen Blick"
say about the comparison group and the demand from the projection.

The comparison table is computed here as the national step computes it (``chapter_data.comparison``:
``national_outlook.comparison_tables`` on a national indicator table), so that the chapter's numbers
can be checked against that table: Kreis values 15 (below the group), the Vergleichskreise 17, 20,
25, 30 and 35 (median 25, P25 20, P75 30) at the newest date of every indicator, the care
indicators 12 against 14, 17, 22, 27 and 32."""

import numpy as np
import pytest
from chapter_data import (
    KREIS,
    PEERS,
    YEAR,
    District,
    build,
    cells,
    comparison,
    complete,
    demand,
    key_indicators,
    national_table,
    rendered,
)

from sozialbericht.core import formatting as fmt
from sozialbericht.report import outlook

#: The chapter "Methodik und Quellen" after the chapters it is built from.
METHODIK = ("familien", "existenzsicherung", "beratung", "sozialindex", "prognose", "methodik")


def district(tmp_path, own: bool = False) -> District:
    """The small district, its Arbeitslosenquote above the group (40), its Altenquotient inside (26),
    every other key indicator below it."""
    d = District(tmp_path).national()
    d.add("arbeitslosenquote", KREIS, "2020", 40.0).add("altenquotient", KREIS, "2020-12-31", 26.0)
    return comparison(d, own=own)


def test_without_a_comparison_the_chapter_and_the_passages_are_left_out(tmp_path):
    """Report years before the comparison (no vergleich.csv) and a Kreis without a group."""
    c = build(District(tmp_path).national().kontext(), "auf-einen-blick", "vergleichskreise")
    assert "vergleichskreise" not in c.bericht.values and c.bericht.values["auf-einen-blick"]["vergleich"] is None
    assert c.bericht.values["auf-einen-blick"]["bedarf"] == {"kita": None, "pflege": None}
    assert "Vergleichskreisen" not in rendered(c, "auf-einen-blick")
    d = district(tmp_path / "leer")
    d.tables["vergleichskreise"] = d.tables["vergleichskreise"].iloc[0:0]
    assert "vergleichskreise" not in build(d.kontext(), "vergleichskreise").bericht.values


def test_the_group_with_its_laender(tmp_path):
    c = build(district(tmp_path).kontext(), "vergleichskreise")
    table = cells(c, "vergleichskreise-gruppe")
    assert table[0] == ["Kreis", "Land", "Abstand"]
    assert table[1] == ["Landkreis Nachbar", "Sachsen-Anhalt", "0,50"]
    assert table[5] == ["Landkreis Gifhorn", "Niedersachsen", "0,90"]
    text = rendered(c, "vergleichskreise")
    assert "Die fünf Vergleichskreise sind die Kreise und kreisfreien Städte Deutschlands, die dem Landkreis Beispiel" in text
    assert (
        "Sie liegen in den Ländern Sachsen-Anhalt, Thüringen, Brandenburg und Niedersachsen, zwei von ihnen in Sachsen-Anhalt."
        in text
    )
    assert "Rang 1 hat der höchste Wert, Rang 6 der niedrigste. Rang und Lage sind keine Bewertung" in text


def test_a_group_all_of_the_kreiss_own_land_and_one_of_another(tmp_path):
    d = district(tmp_path)
    d.tables["vergleichskreise"] = d.tables["vergleichskreise"].assign(land="15", land_name="Sachsen-Anhalt")
    assert "Sie liegen alle in Sachsen-Anhalt." in rendered(build(d.kontext(), "vergleichskreise"), "vergleichskreise")
    d = district(tmp_path / "andere")
    d.tables["vergleichskreise"] = d.tables["vergleichskreise"].assign(land="16", land_name="Thüringen")
    assert "Sie liegen im Land Thüringen." in rendered(build(d.kontext(), "vergleichskreise"), "vergleichskreise")
    d = district(tmp_path / "eine")
    lands = {"land": ["15", "16", "16", "16", "16"], "land_name": ["Sachsen-Anhalt", *["Thüringen"] * 4]}
    d.tables["vergleichskreise"] = d.tables["vergleichskreise"].assign(**lands)
    text = rendered(build(d.kontext(), "vergleichskreise"), "vergleichskreise")
    assert "Sie liegen in den Ländern Sachsen-Anhalt und Thüringen, einer von ihnen in Sachsen-Anhalt." in text


def test_a_group_the_district_named_says_so_and_has_no_distance(tmp_path):
    c = build(district(tmp_path, own=True).kontext(), "vergleichskreise", *METHODIK)
    assert cells(c, "vergleichskreise-gruppe")[0] == ["Kreis", "Land"]
    assert "hat der Kreis selbst festgelegt: fünf Vergleichskreise aus den Ländern" in rendered(c, "vergleichskreise")
    assert "Die Vergleichskreise dieses Berichts hat der Kreis selbst festgelegt" in rendered(c, "methodik")


def test_the_table_has_the_kreis_value_the_groups_median_quartiles_and_rank(tmp_path):
    c = build(district(tmp_path).kontext(), "vergleichskreise")
    table = cells(c, "vergleichskreise")
    assert table[0] == ["Kennzahl", "Stand", "Beispiel", "Median", "P25", "P75", "Rang", "Lage"]
    rows = {r[0]: r[1:] for r in table[1:]}
    assert rows["Arbeitslosenquote (%)"] == ["2020", "40,0", "25,0", "20,0", "30,0", "1 von 6", "**oberhalb**"]
    assert rows["Altenquotient (je 100)"] == ["31.12.2020", "26,0", "25,0", "20,0", "30,0", "3 von 6", "innerhalb"]
    assert rows["Jugendquotient (je 100)"] == ["31.12.2020", "15,0", "25,0", "20,0", "30,0", "6 von 6", "**unterhalb**"]
    assert rows["Pflegebedürftige je 1.000 Einwohner"][:5] == ["31.12.2019", "12,0", "22,0", "17,0", "27,0"]
    assert [r[0] for r in table[1:]] == [c.title_of(i) for i in key_indicators()]
    assert "vergleichskreise" in c.bericht.figures


def test_the_numbers_of_the_table_are_those_of_the_national_indicator_table(tmp_path):
    """Every Kreis value is the district's published value at its date; median, P25 and P75 are the
    quantiles (linear interpolation) of the Vergleichskreise's values in the national table at the
    newest date up to the report year, computed here independently."""
    d = district(tmp_path)
    national = national_table(d)
    c = build(d.kontext(), "vergleichskreise")
    rows = {r[0]: r[1:] for r in cells(c, "vergleichskreise")[1:]}
    for ind in key_indicators():
        entry = c.data.catalogue[ind]
        rows_of = national[(national.indicator_id == ind) & (national.period.str[:4].astype(int) <= YEAR)]
        newest = rows_of.sort_values("period").groupby("area_id").last()
        group = newest.loc[list(PEERS), "value"].to_numpy(float)
        own = newest.loc[KREIS]
        sign = entry.get("method") in fmt.SIGNED_METHODS
        shown = [fmt.number(x, entry["decimals"], "", sign) for x in (own.value, *np.percentile(group, [50, 25, 75]))]
        assert rows[c.title_of(ind)][0] == fmt.date(own.period), ind
        assert rows[c.title_of(ind)][1:5] == shown, ind
        assert shown[0] == c.data.show(ind, KREIS, own.period, unit=False)  # the value of the district's indikatoren.csv
        assert rows[c.title_of(ind)][5] == f"{int((group > own.value).sum()) + 1} von {len(group) + 1}"


def test_sentences_above_inside_and_below_the_middle_range(tmp_path):
    c = build(district(tmp_path).kontext(), "vergleichskreise")
    text = rendered(c, "vergleichskreise")
    assert "**Über dem mittleren Bereich** der Vergleichskreise liegt der Landkreis Beispiel bei der Kennzahl:" in text
    assert (
        "- Arbeitslosenquote: 40,0\u00a0% (Stand 2020), über dem 75-%-Quantil der Vergleichskreise von 30,0\u00a0% "
        "(Median 25,0\u00a0%); Rang 1 von 6." in text
    )
    assert "**Unter dem mittleren Bereich** der Vergleichskreise liegt der Landkreis Beispiel bei den Kennzahlen:" in text
    assert (
        "- Jugendquotient: 15,0\u00a0je 100 (Stand 31.12.2020), unter dem 25-%-Quantil der Vergleichskreise von "
        "20,0\u00a0je 100 (Median 25,0\u00a0je 100); Rang 6 von 6." in text
    )
    assert "Im mittleren Bereich liegt der Landkreis Beispiel bei der Kennzahl Altenquotient." in text
    alt = c.bericht.figures["vergleichskreise"]
    assert "Der Landkreis Beispiel liegt über dem mittleren Bereich bei Arbeitslosenquote (40,0\u00a0%); unter dem" in alt


def test_all_inside_the_middle_range(tmp_path):
    d = district(tmp_path)
    d.tables["vergleich"] = d.tables["vergleich"].assign(position="innerhalb")
    text = rendered(build(d.kontext(), "vergleichskreise"), "vergleichskreise")
    assert "Bei allen neun Kennzahlen liegt der Landkreis Beispiel im mittleren Bereich der Vergleichskreise." in text
    assert "Über dem mittleren Bereich" not in text and "Unter dem mittleren Bereich" not in text


def test_a_value_outside_that_rounds_like_the_bound_is_printed_with_more_decimals(tmp_path):
    """19,96 below a P25 of 20,0 is not "20,0 unter dem 25-%-Quantil von 20,0"."""
    d = District(tmp_path).national().add("jugendquotient", KREIS, "2020-12-31", 19.96)
    c = build(comparison(d).kontext(), "vergleichskreise")
    rows = {r[0]: r[1:] for r in cells(c, "vergleichskreise")[1:]}
    assert rows["Jugendquotient (je 100)"][1:5] == ["19,96", "25,00", "20,00", "30,00"]
    assert rows["Altenquotient (je 100)"][1:5] == ["15,0", "25,0", "20,0", "30,0"]  # other rows keep their decimals
    assert "von 20,00\u00a0je 100" in rendered(c, "vergleichskreise")


def test_the_demand_now_and_in_the_target_year_with_the_range_of_the_variants(tmp_path):
    """``chapter_data.demand``: Kita age 1.000 in every year (990 to 1.010 in the variants), 1.200
    people in need of care at the end of 2019, 1.440 expected in 2035 (1.420 to 1.460)."""
    data = demand(District(tmp_path).national()).kontext().data
    kita, pflege = outlook.demand(data)["kita"], outlook.demand(data)["pflege"]
    assert (kita.heute, kita.stand, kita.wert, kita.jahr, kita.von, kita.bis) == (1000, "31.12.2020", 1000, 2035, 990, 1010)
    assert kita.veraenderung == pytest.approx(0.0) and kita.richtung == 0
    assert (pflege.heute, pflege.stand, pflege.wert, pflege.von, pflege.bis) == (1200, "31.12.2019", 1440, 1420, 1460)
    assert pflege.veraenderung == pytest.approx(20.0) and pflege.richtung == 1


def test_the_zusammenfassung_picks_up_the_group_and_the_demand(tmp_path):
    d = demand(comparison(complete(tmp_path).add("arbeitslosenquote", KREIS, "2020", 40.0)))
    c = build(d.kontext(), "gemeinden", "prognose", "sozialindex", "handlungsbedarfe", "zusammenfassung")
    text = rendered(c, "zusammenfassung")
    assert (
        "- **Vergleichskreise:** Im Vergleich mit fünf strukturähnlichen Kreisen liegt der Landkreis Beispiel über dem "
        "mittleren Bereich bei der Kennzahl „Arbeitslosenquote“ (40,0\u00a0%; mittlerer Bereich 20,0 bis 30,0\u00a0%) und "
        "unter dem mittleren Bereich bei den Kennzahlen „Bevölkerungsveränderung“" in text
    )
    assert "Kennzahlen im mittleren Bereich" not in text  # none inside: the clause is left out
    assert (
        "Nach der mittleren Variante der Prognose bleibt die Zahl der Kinder im Kita-Alter (3 bis 5 Jahre) bis 2035 mit "
        "1.000 nahezu gleich (31.12.2020: 1.000; Spanne der Wanderungsvarianten 990 bis 1.010)." in text
    )
    assert (
        "Bei gleichen Pflegequoten je Altersgruppe steigt die Zahl der Pflegebedürftigen von 1.200 (31.12.2019) auf 1.440 "
        "im Jahr 2035 (+20,0 %; Spanne der Wanderungsvarianten 1.420 bis 1.460)." in text
    )


def test_auf_einen_blick_picks_up_the_group_and_the_demand(tmp_path):
    c = build(demand(district(tmp_path)).kontext(), "auf-einen-blick")
    text = rendered(c, "auf-einen-blick")
    assert (
        "- **Im Vergleich mit fünf strukturähnlichen Kreisen** (Kapitel „Vergleichskreise“): über dem mittleren Bereich: "
        "Arbeitslosenquote 40,0\u00a0%; unter dem mittleren Bereich: Bevölkerungsveränderung" in text
    )
    assert (
        "- **Bedarfe nach der Prognose** (mittlere Variante): Kinder im Kita-Alter (3 bis 5 Jahre) von 1.000 (31.12.2020) "
        "auf 1.000 im Jahr 2035 (0,0 %), Pflegebedürftige von 1.200 (31.12.2019) auf 1.440 im Jahr 2035 (+20,0 %)." in text
    )
    assert sum(line.startswith("| ") for line in text.splitlines()) == len(cells(c, "auf-einen-blick"))  # one table only


def test_methodik_describes_the_method_only_with_a_comparison(tmp_path):
    with_group = rendered(build(district(tmp_path).kontext(), *METHODIK), "methodik")
    assert "### Vergleichskreise" in with_group and "robust standardisiert" in with_group and "*Wegweiser Kommune*" in with_group
    assert "Vergleichskreise sind die fünf Kreise mit dem kleinsten Abstand (**k nächste Nachbarn**)" in with_group
    assert "gehört.\n\nIn der Vergleichstabelle" in with_group  # its own paragraph
    c = build(District(tmp_path / "ohne").national().kontext(), *METHODIK)
    assert "### Vergleichskreise" not in rendered(c, "methodik")


def test_the_figure_marks_the_position_by_shape_and_colour_and_is_byte_identical(tmp_path):
    import pandas as pd

    from sozialbericht.report import figures
    from sozialbericht.report.peer_figures import MARKS, comparison_ranges

    rows = pd.DataFrame(
        {
            "label": ["A", "B", "C"],
            "decimals": [1, 1, 0],
            "value": [40.0, 26.0, 15.0],
            "median": [25.0] * 3,
            "p25": [20.0] * 3,
            "p75": [30.0] * 3,
            "position": ["oberhalb", "innerhalb", "unterhalb"],
        }
    )
    fig = comparison_ranges(rows, "Titel", "Beispiel")
    marks = [
        (line.get_marker(), line.get_color())
        for ax in fig.axes
        for line in ax.lines
        if line.get_marker() not in ("None", None, "")
    ]
    assert marks == [(">", MARKS["oberhalb"]["color"]), ("o", MARKS["innerhalb"]["color"]), ("<", MARKS["unterhalb"]["color"])]
    assert len({m for m, _ in marks}) == 3 and all(figures.contrast_ratio(m["color"]) >= 3 for m in MARKS.values())
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Beispiel: über dem mittleren Bereich" in legend and "mittlerer Bereich der Vergleichskreise (P25 bis P75)" in legend
    a = figures.save(fig, tmp_path / "a.svg").read_bytes()
    assert a == figures.save(comparison_ranges(rows, "Titel", "Beispiel"), tmp_path / "b.svg").read_bytes()
