"""Chapter "Gemeinden im Vergleich" on a small district."""

from chapter_data import GEMEINDE_PERIODS, GEMEINDEN, District, build, cells, rendered


def test_population_by_gemeinde_the_map_and_the_strongest_changes(tmp_path):
    c = build(District(tmp_path).national().kontext(), "gemeinden")
    table = cells(c, "gemeinden-bevoelkerung")
    assert table[0] == ["Gemeinde", "2013", "2017", "2019", "Veränd. 2013–2019 in %", "EW/km²", "Männer je 100 Frauen"]
    assert table[1] == ["Aue", "1.000", "990", "980", "−2,0", "100", "95,0"]
    assert table[-1][:4] == ["**Beispiel**", "**6.000**", "**5.970**", "**5.940**"]
    values = c.bericht.values["gemeinden"]
    assert values["anzahl"] == 3 and values["gemeindefrei"] == 0 and values["erstes"] == "31.12.2013"
    assert values["staerkste"] == "den geringsten Rückgang hatte Aue (−2,0 %), die stärkste Abnahme Clausberg (−6,0 %)"
    assert "karte-bevoelkerungsveraenderung" in c.bericht.figures and "gemeinden-alle" not in c.bericht.tables
    assert "Im Landkreis Beispiel gibt es 3 Gemeinden." in rendered(c, "gemeinden")


def test_an_uninhabited_gemeindefreies_gebiet_is_no_gemeinde_in_any_count(tmp_path):
    d = District(tmp_path).national()
    forest = list(GEMEINDEN)[2]
    for p in GEMEINDE_PERIODS:
        d.add("gem_bevoelkerung", forest, p, 0.0)
    c = build(d.kontext(), "gemeinden")
    values = c.bericht.values["gemeinden"]
    assert values["anzahl"] == 2 and values["gemeindefrei"] == 1
    assert "Karte: 2 Gemeinden" in c.bericht.figures["karte-bevoelkerungsveraenderung"]


def test_many_territorial_changes_are_a_table(tmp_path):
    d = District(tmp_path).national()
    d.context["territorial_changes"] = [
        {
            "name": f"Dorf {i}",
            "to_name": "Aue, Stadt",
            "to": list(GEMEINDEN)[0],
            "kind": "Eingemeindung",
            "date": "2015-01-01",
            "certain": True,
        }
        for i in range(6)
    ]
    c = build(d.kontext(), "gemeinden")
    assert cells(c, "gebietsaenderungen")[1][:4] == ["Dorf 0", "Aue", "01.01.2015", "Eingemeindung"]
    assert c.bericht.values["gemeinden"]["lange_liste"] and c.bericht.values["gemeinden"]["aufnehmende"] == 1
