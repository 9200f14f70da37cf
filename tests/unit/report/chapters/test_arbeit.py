"""Chapter "Arbeit" on a small district."""

from chapter_data import KREIS, District, build, cells, rendered


def test_the_table_the_charts_and_the_sentence_on_last_year(tmp_path):
    d = District(tmp_path).national()
    d.add("arbeitslosenquote", KREIS, "2019", 5.3).add("arbeitslosenquote", KREIS, "2020", 6.1)
    c = build(d.kontext(), "arbeit")
    table = cells(c, "arbeit")
    assert [r[0] for r in table[1:]] == ["Arbeitslose", "Arbeitslosenquote", "Anteil Langzeitarbeitsloser"]
    assert table[2][1] == "6,1\u00a0%"
    assert {"arbeitslosenquote", "arbeitslosenquote-kreise"} <= set(c.bericht.figures)
    assert "arbeit-gemeinden" not in c.bericht.tables
    assert "stieg gegenüber dem Vorjahr (5,3 %) auf 6,1\u00a0%" in rendered(c, "arbeit")


def test_without_last_years_rate_the_sentence_says_the_rate_only(tmp_path):
    d = District(tmp_path).national()
    del d.values[("arbeitslosenquote", KREIS, "2019")]
    c = build(d.kontext(), "arbeit")
    assert c.bericht.values["arbeit"]["vorjahr"] is None
    assert "Erwerbspersonen) lag bei 15,0\u00a0%" in rendered(c, "arbeit")


def test_with_own_data_unemployment_by_gemeinde(tmp_path):
    c = build(District(tmp_path).national().own().kontext(), "arbeit")
    assert cells(c, "arbeit-gemeinden")[0] == [
        "Gebiet",
        "Arbeitslosenanteil (%)",
        "Langzeitarbeitslosenanteil (%)",
        "Anteil Langzeitarbeitsloser (kleinräumig) (%)",
    ]
