"""The helpers every chapter shares (src/sozialbericht/report/chapters/common.py), on a small district."""

import pytest
from chapter_data import BUND, GEMEINDEN, KREIS, LAND, SOZIALRAUM, District

from sozialbericht.core.untrusted import Markdown


def test_the_context_has_the_names_and_the_areas(tmp_path):
    c = District(tmp_path).national().kontext()
    assert (c.kreis, c.land, c.bund, c.year) == (KREIS, LAND, BUND, 2020)
    assert c.kurz == "Beispiel" and c.kreis_name == "Landkreis Beispiel" and c.land_name == "Sachsen-Anhalt"
    assert c.form["Der"] == "Der Landkreis Beispiel" and c.wort["des"] == "des Kreises"
    assert c.land_in == "in Sachsen-Anhalt" and c.land_dem == "Sachsen-Anhalt"
    assert [a for a, _, _ in c.areas] == [KREIS, LAND, BUND] and c.area_names() == ["Beispiel", "Sachsen-Anhalt", "Deutschland"]
    assert list(c.gemeinden.values()) == ["Aue", "Bachdorf", "Clausberg"] and set(c.kreise) == {KREIS, "15086", "15002"}
    assert c.kreise_wort == ("Kreise und kreisfreie Städte", "Kreise und kreisfreien Städte")
    assert c.stand["arbeitslose"] == "2020" and not c.own_data and not c.synthetic and not c.stadtstaat


def test_a_work_folder_of_another_district_is_refused(tmp_path):
    from sozialbericht.report.chapters.common import build_context

    d = District(tmp_path).national()
    d.write()
    with pytest.raises(ValueError, match="enthält beispiel 2020, nicht harz 2020"):
        build_context("harz", 2020, d.folder, tmp_path / "report", tmp_path / "nb")


def test_source_lines_name_statistic_table_attribution_and_date(tmp_path):
    c = District(tmp_path).national().kontext()
    line = c.quelle("arbeitslose", stand="Jahresdurchschnitt 2020")
    assert line.startswith("*Quelle: Arbeitsmarktstatistik der Bundesagentur für Arbeit (13211-02-05-4), ©")
    assert line.endswith(". Stand: Jahresdurchschnitt 2020.*")
    assert c.quelle("bevoelkerung_alter", "pflege").count(";") == 1
    own = c.eigene_quelle("Melderegister", "31.12.2020")
    assert own == "*Quelle: Melderegister (Landkreis Beispiel). Stand: 31.12.2020.*"


def test_synthetic_small_area_data_are_labelled_in_their_source_line(tmp_path):
    c = District(tmp_path).national().own(synthetic=True).kontext()
    line = c.eigene_quelle("Melderegister", "31.12.2020")
    assert "synthetische Beispieldaten, kalibriert auf die amtlichen Kreissummen" in line
    assert line.endswith("**Synthetische Beispieldaten** (kein amtliches Ergebnis).")


def test_area_rows_gemeinden_sozialraeume_kreis_bold_and_land_only_with_values(tmp_path):
    d = District(tmp_path).national().own()
    d.add("kl_sgb2_quote", SOZIALRAUM[0], "2020-12-31", 7.3)
    d.context["sozialraeume"] = {SOZIALRAUM[0]: {"name": SOZIALRAUM[1], "gemeinden": list(GEMEINDEN)[:2]}}
    c = d.kontext()
    header, rows = c.area_rows(["kl_sgb2_quote", "kl_geburten"], 2020)
    assert header == ["Gebiet", "SGB-II-Quote (%)", "Geburten"]
    assert [r[0] for r in rows] == ["Aue", "Bachdorf", "Clausberg", "*Nord*", "**Beispiel**"]  # no Land: it has no value
    assert isinstance(rows[3][0], Markdown) and not isinstance(rows[0][0], Markdown)
    assert rows[0][1:] == ["5,0", "100"] and rows[3][1:] == ["7,3", "–"]
    _, with_land = c.area_rows(["altenquotient"], 2020)
    assert with_land[-1][0] == "*Sachsen-Anhalt*"


def test_series_titles_and_the_bars_of_the_kreise(tmp_path):
    c = District(tmp_path).national().kontext()
    s = c.series_frame("arbeitslosenquote")
    assert list(s[s.role == "district"].year) == list(range(2015, 2021)) and set(s.label) == {
        "Beispiel",
        "Sachsen-Anhalt",
        "Deutschland",
    }
    assert c.title_of("arbeitslose") == "Arbeitslose" and c.title_of("pflegequote") == "Pflegebedürftige je 1.000 Einwohner"
    assert c.title_of("altenquotient") == "Altenquotient (je 100)"
    bars = c.bars_of_kreise("arbeitslosenquote", "2020")
    assert dict(zip(bars.label, bars.role)) == {
        "Beispiel": "district",
        "Nachbar": "other",
        "Halle (Saale) (Stadt)": "other",
        "Sachsen-Anhalt": "land",
    }
    assert c.cell("arbeitslosenquote", KREIS) == "15,0" and c.cell("arbeitslosenquote", KREIS, unit=True) == "15,0\u00a0%"


def test_the_rows_of_a_table_come_from_the_catalogue(tmp_path):
    c = District(tmp_path).national().kontext()
    assert c.rows_of("arbeit") == ["arbeitslose", "arbeitslosenquote", "anteil_langzeitarbeitslose"]
    assert c.rows_of("familien") == [
        "kl_geburten",
        "kl_bg_mit_kindern",
        "kl_alleinerziehende",
    ]  # by position, not catalogue order
    assert c.rows_of("keine-tabelle") == []
    assert c.datasets_of(c.rows_of("pflege")) == ["pflege", "bevoelkerung_alter"]
    assert c.datasets_of(["kl_geburten"]) == []  # own data have no national source


def test_a_chapter_reading_another_before_it_was_built_fails_clearly(tmp_path):
    c = District(tmp_path).national().kontext()
    with pytest.raises(RuntimeError, match="'sozialindex' must be built first"):
        c.left_by("sozialindex")


def test_area_rows_mark_the_flags_of_small_areas_and_the_note_explains_them(tmp_path):
    """▲ after a value higher than the Kreis value, ▼ after a lower one, nothing after a similar
    one; the Kreis's own comparison (against its Vergleichskreise) is never shown as a symbol."""
    d = District(tmp_path).national().own()
    aue, bachdorf, clausberg = GEMEINDEN
    d.add("kl_sgb2_quote", aue, "2020-12-31", 5.0, comparison="niedriger")
    d.add("kl_sgb2_quote", bachdorf, "2020-12-31", 10.0, comparison="ähnlich")
    d.add("kl_sgb2_quote", clausberg, "2020-12-31", 15.0, comparison="höher")
    d.add("kl_sgb2_quote", SOZIALRAUM[0], "2020-12-31", 7.3, comparison="höher")
    d.add("kl_sgb2_quote", KREIS, "2020-12-31", 20.0, comparison="oberhalb")
    d.context["sozialraeume"] = {SOZIALRAUM[0]: {"name": SOZIALRAUM[1], "gemeinden": list(GEMEINDEN)[:2]}}
    c = d.kontext()
    _, rows = c.area_rows(["kl_sgb2_quote", "kl_geburten"], 2020)
    assert [r[1] for r in rows] == ["5,0\u00a0▼", "10,0", "15,0\u00a0▲", "7,3\u00a0▲", "20,0"]
    assert [r[2] for r in rows] == ["100", "200", "300", "–", "400"]  # a count: no interval, no symbol
    note = c.significance_note(["kl_sgb2_quote", "kl_geburten"], include_land=False)
    assert note.startswith("\n\n*Zeichen hinter einem Wert (Spalte „SGB-II-Quote“): ▲ statistisch gesichert höher")
    assert "▼ statistisch gesichert niedriger als der Wert des Kreises" in note and "Geburten" not in note
    assert "die Zeile des Kreises sowie geheimgehaltene" in note and "des Landes" not in note
    assert "und des Landes" in c.significance_note(["kl_sgb2_quote"])
    assert c.significance_note(["kl_geburten"]) == ""  # no column with symbols: no note


def test_without_flags_the_tables_are_as_before(tmp_path):
    """A district without small-area intervals (no ``comparison``): no symbols, no note."""
    c = District(tmp_path).national().own().kontext()
    _, rows = c.area_rows(["kl_sgb2_quote"], 2020)
    assert [r[1] for r in rows] == ["5,0", "10,0", "15,0", "20,0"]
    assert c.significance_note(["kl_sgb2_quote"]) == ""
