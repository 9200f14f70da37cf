"""Chapter "Auf einen Blick" on a small district: the key figures from the catalogue, or the district's own."""

from chapter_data import KREIS, District, build, cells

from sozialbericht.report.chapters.auf_einen_blick import key_figures


def test_the_key_figures_are_the_catalogue_table(tmp_path):
    d = District(tmp_path).national().own(synthetic=True)
    d.add("prognose_veraenderung", KREIS, "2035", -14.7)
    c = build(d.kontext(), "auf-einen-blick")
    assert key_figures(c) == c.rows_of("auf-einen-blick") and key_figures(c)[0] == "bevoelkerung"
    table = cells(c, "auf-einen-blick")
    assert table[0] == ["Kennzahl", "Beispiel", "Sachsen-Anhalt", "Deutschland", "Stand"]
    names = [r[0] for r in table[1:]]
    assert names == [c.data.catalogue[i]["name"] for i in key_figures(c)]  # every one has a Kreis value here
    rows = dict((r[0], r) for r in table[1:])
    assert rows["Kinderarmut (SGB-II-Quote unter 15 Jahren)"][-1] == "31.12.2020 (synthetische Beispieldaten)"
    assert rows["Prognostizierte Bevölkerungsveränderung bis zum Zieljahr"][-1] == "2035 (Modellrechnung)"
    assert rows["Arbeitslosenquote"][1:4] == ["15,0\u00a0%", "45,0\u00a0%", "55,0\u00a0%"]


def test_rows_without_a_kreis_value_are_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "auf-einen-blick")  # no own data, no projection
    names = [r[0] for r in cells(c, "auf-einen-blick")[1:]]
    assert "SGB-II-Quote" not in names and names[0] == "Bevölkerung" and len(names) == 7


def test_the_district_may_choose_its_own_key_figures(tmp_path):
    d = District(tmp_path).national()
    d.context["district"]["auf_einen_blick"] = d.context["auf_einen_blick"] = ["arbeitslosenquote", "bevoelkerung"]
    c = build(d.kontext(), "auf-einen-blick")
    assert [r[0] for r in cells(c, "auf-einen-blick")[1:]] == ["Arbeitslosenquote", "Bevölkerung"]


def test_without_any_value_the_chapter_is_left_out(tmp_path):
    d = District(tmp_path).national()
    d.context["auf_einen_blick"] = ["kl_kinderarmut"]
    c = build(d.kontext(), "auf-einen-blick")
    assert "auf-einen-blick" not in c.bericht.values
