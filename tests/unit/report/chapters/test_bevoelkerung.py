"""Chapter "Bevölkerung" on a small district."""

from chapter_data import KREIS, District, build, cells, rendered


def test_the_structure_table_is_the_catalogue_table_for_kreis_land_and_germany(tmp_path):
    d = District(tmp_path).national()
    d.add("bevoelkerung", KREIS, "2020-12-31", 201234).add("bevoelkerung_veraenderung", KREIS, "2020-12-31", -4.56)
    c = build(d.kontext(), "bevoelkerung")
    table = cells(c, "bevoelkerung-struktur")
    assert table[0] == ["Indikator", "Beispiel", "Sachsen-Anhalt", "Deutschland"]
    assert [r[0] for r in table[1:]] == [
        "Bevölkerung",
        "Bevölkerungsveränderung seit 2015",
        "Jugendquotient",
        "Altenquotient",
        "Anteil 65 Jahre und älter",
        "Anteil 75 Jahre und älter (Hochaltrige)",
    ]
    assert table[1][1] == "201.234" and table[2][1] == "−4,6\u00a0%"
    assert "(12411-0018)" in c.bericht.tables["bevoelkerung-struktur"]  # the source of its indicators
    assert {"bevoelkerungspyramide", "altenquotient", "bevoelkerung-kreise"} <= set(c.bericht.figures)
    assert "nahm die Bevölkerung seit Ende 2015 um 4,6 % ab" in rendered(c, "bevoelkerung")


def test_without_own_data_no_gemeinde_table_with_them_the_catalogue_columns(tmp_path):
    c = build(District(tmp_path).national().kontext(), "bevoelkerung")
    assert "bevoelkerung-gemeinden" not in c.bericht.tables and not c.bericht.values["bevoelkerung"]["gemeindetabelle"]
    c = build(District(tmp_path / "own").national().own().kontext(), "bevoelkerung")
    header = cells(c, "bevoelkerung-gemeinden")[0]
    assert header[0] == "Gebiet" and header[1:] == [c.title_of(i) for i in c.rows_of("bevoelkerung-gemeinden")]
    assert header[1] == "Jugendquotient (kleinräumig) (je 100)" and len(header) == 7


def test_a_land_with_two_kreise_gets_no_ranking_of_its_kreise(tmp_path):
    d = District(tmp_path).national()
    d.values = {k: v for k, v in d.values.items() if k[1] != "15002"}
    c = build(d.kontext(), "bevoelkerung")
    assert "bevoelkerung-kreise" not in c.bericht.figures and c.bericht.values["bevoelkerung"]["kreise_im_land"] == 2
