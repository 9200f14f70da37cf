"""Chapter "Pflege" on a small district."""

from chapter_data import District, build, cells, rendered


def test_every_indicator_of_the_table_for_every_area_and_date(tmp_path):
    c = build(District(tmp_path).national().kontext(), "pflege")
    table = cells(c, "pflege")
    assert table[0] == ["Indikator", "Gebiet", "31.12.2015", "31.12.2017", "31.12.2019"]
    assert [r[0] for r in table[1:]] == [
        "Pflegebedürftige",
        "",
        "",
        "Pflegebedürftige je 1.000 Einwohner",
        "",
        "",
        "Anteil vollstationär Gepflegter",
        "",
        "",
    ]
    assert [r[1] for r in table[1:4]] == ["Beispiel", "Sachsen-Anhalt", "Deutschland"]
    assert "Pflegestatistik" in c.bericht.tables["pflege"] and "12411-0018" in c.bericht.tables["pflege"]
    assert "Am 31.12.2019 waren im Landkreis Beispiel 12 Menschen pflegebedürftig" in rendered(c, "pflege")
