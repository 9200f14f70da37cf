"""Chapter "Existenzsicherung" on a small district."""

from chapter_data import GEMEINDEN, District, build, cells


def test_without_child_poverty_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "existenzsicherung")
    assert "existenzsicherung" not in c.bericht.values


def test_the_table_the_map_and_the_lowest_and_highest_gemeinde(tmp_path):
    d = District(tmp_path).national().own(synthetic=True)
    for g, v in zip(GEMEINDEN, (12.5, 8.3, 20.0)):
        d.add("kl_kinderarmut", g, "2020-12-31", v, synthetic=True)
    c = build(d.kontext(), "existenzsicherung")
    assert cells(c, "existenzsicherung")[0][1:] == [c.title_of(i) for i in c.rows_of("existenzsicherung")]
    values = c.bericht.values["existenzsicherung"]
    assert values["niedrigste"] == ("Bachdorf", "8,3") and values["hoechste"] == ("Clausberg", "20,0")
    assert "karte-kinderarmut" in c.bericht.figures and "synthetische Beispieldaten" in c.bericht.figures["karte-kinderarmut"]
