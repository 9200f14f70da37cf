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


def test_the_method_of_the_intervals_with_the_counts_of_the_report(tmp_path):
    """A paragraph on the intervals (Wilson, exact Poisson, the flag rule, the Kreis value as fixed,
    no interval for suppressed values) where small-area values have flags; none without."""
    from chapter_data import GEMEINDEN, SOZIALRAUM

    d = District(tmp_path).national().own()
    for g, flag in zip(GEMEINDEN, ("höher", "ähnlich", "ähnlich")):
        d.add("kl_sgb2_quote", g, "2020-12-31", 5.0, comparison=flag)
    d.add("kl_beratung_je_10000", SOZIALRAUM[0], "2020", 120.0, comparison="niedriger")
    c = build(d.kontext(), *BEFORE, "methodik")
    assert c.bericht.values["methodik"]["intervalle"] == {
        "anzahl": 4,
        "hoeher": 1,
        "aehnlich": 2,
        "niedriger": 1,
        "sozialraeume": True,
    }
    text = " ".join(rendered(c, "methodik").split())
    assert "### Unterschiede zwischen Gemeinden: Konfidenzintervalle" in text
    assert "Wilson-Score-Intervall (Wilson 1927)" in text and "exakte Poisson-Intervall (Garwood 1936)" in text
    assert "der Gemeinden und Sozialräume erhält deshalb ein 95-%-Konfidenzintervall" in text
    assert "Der Wert des Kreises gilt dabei als fest" in text and "geheimgehaltene Werte (`.`, `/`)" in text
    assert "In diesem Bericht haben 4 kleinräumige Werte ein Intervall: 1 liegen gesichert höher" in text
    without = build(District(tmp_path / "ohne").national().own().kontext(), *BEFORE, "methodik")
    assert without.bericht.values["methodik"]["intervalle"] is None
    assert "Konfidenzintervall" not in rendered(without, "methodik")


def test_indicator_sheets_name_the_interval_of_compared_small_area_values(tmp_path):
    from chapter_data import GEMEINDEN

    d = District(tmp_path).national().own()
    d.add("kl_sgb2_quote", list(GEMEINDEN)[0], "2020-12-31", 5.0, comparison="höher")
    d.add("kl_beratung_je_10000", list(GEMEINDEN)[0], "2020", 5.0, comparison="ähnlich")
    c = build(d.kontext(), "gemeinden", "prognose", "anhang")
    sheets = {s["name"]: s for s in c.bericht.values["anhang"]["blaetter"]}
    assert (
        sheets["SGB-II-Quote"]["intervall"] == "wilson" and sheets["Beratungsfälle je 10.000 Einwohner"]["intervall"] == "poisson"
    )
    assert sheets["Kinderarmut (SGB-II-Quote unter 15 Jahren)"]["intervall"] == ""  # no flags: nothing to say
    text = rendered(c, "anhang")
    assert "- **Vergleich mit dem Kreis:** 95-%-Konfidenzintervall nach Wilson (Anteil) für jede Gemeinde" in text
    assert "exakt nach Poisson (Fallrate)" in text


def test_a_projected_value_is_the_target_years_not_a_current_one(tmp_path):
    """The sheet of a projection or demand indicator names its value "Wert im Zieljahr"."""
    c = build(District(tmp_path).national().kontext(), "gemeinden", "prognose", "anhang")
    sheets = {s["name"]: s for s in c.bericht.values["anhang"]["blaetter"]}
    assert not sheets["Arbeitslosenquote"]["prognose"]
    projected = [s for s in sheets.values() if s["prognose"]]
    text = rendered(c, "anhang")
    assert "**Aktueller Wert (2020):**" in text
    assert all(f"**Wert im Zieljahr ({s['stand']}):**" in text for s in projected)
