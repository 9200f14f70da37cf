"""Chapters "Methodik und Quellen" and "Anhang" on a small district."""

from chapter_data import District, build, rendered

#: The chapters the Methodik is built from (the optional ones and the projection).
BEFORE = ("familien", "existenzsicherung", "beratung", "sozialindex", "prognose")


def test_the_method_names_the_chapters_left_out_for_want_of_data(tmp_path):
    c = build(District(tmp_path).national().kontext(), *BEFORE, "methodik")
    values = c.bericht.values["methodik"]
    assert values["fehlende_kapitel"] == ["Familien und Haushalte", "Existenzsicherung", "Beratung", "Sozialindex"]
    assert "entfallen die Kapitel Familien und Haushalte, Existenzsicherung, Beratung und Sozialindex" in rendered(c, "methodik")
    own = build(District(tmp_path / "own").national().own().kontext(), *BEFORE, "methodik")
    assert own.bericht.values["methodik"]["fehlende_kapitel"] == ["Beratung", "Sozialindex"]


def test_an_indicator_sheet_for_every_indicator_with_values(tmp_path):
    c = build(District(tmp_path).national().kontext(), "gemeinden", "prognose", "anhang")
    sheets = {s["name"]: s for s in c.bericht.values["anhang"]["blaetter"]}
    assert "Arbeitslosenquote" in sheets and "Geburten" not in sheets  # no own data: no sheet
    alq = sheets["Arbeitslosenquote"]
    assert alq["kreis"] == "15,0\u00a0%" and alq["land"] == "45,0\u00a0%" and alq["stand"] == "2020"
    assert alq["lesart"] == "höherer Wert = ungünstiger" and not alq["synthetisch"]
    assert sheets["Bevölkerung"]["lesart"] == "keine Wertung (Kontext)"
    assert sheets["Bevölkerung (Gemeinde)"]["land"] is None
    assert c.bericht.values["anhang"]["gemeindetabelle"] is False and c.bericht.values["anhang"]["kurz"] == "Beispiel"


def test_the_method_of_the_weighting_with_the_handbooks_steps(tmp_path):
    from chapter_data import complete, weighting

    c = build(weighting(complete(tmp_path)).kontext(), *BEFORE, "methodik")
    text = rendered(c, "methodik")
    assert "*Handbook on Constructing Composite Indicators*" in text and "(JRC, 2008)" in text
    for step in ("Normierung (Schritt 5", "Gewichtung und Aggregation (Schritt 6)", "Sensitivitätsanalyse (Schritt 7)"):
        assert step in text
    assert "2 Beteiligte haben je 100 Punkte" in text and "der Median seiner Punkte" in text
    assert "Monte-Carlo-Analyse mit 1.000 Ziehungen" in text and "festen Startwert 7" in text
    assert "liegt er unter 80 %, heißt die Einstufung „unsicher“" in text and "Spearman verglichen.\n" in text
    without = build(District(tmp_path / "ohne").national().kontext(), *BEFORE, "methodik")
    assert "Handbook" not in rendered(without, "methodik")
