"""How the report shows the flags of small-area rates (report/significance.py): the table symbols,
their note, the ranking the texts use and the hatching of the maps."""

import numpy as np
import pytest

from sozialbericht.report import figures, significance
from sozialbericht.report import figures as figures_module
from sozialbericht.report.significance import Rang, mark, qualifier, ranking, table_note


@pytest.fixture(autouse=True)
def _close_figures():
    """The maps drawn here are inspected, not saved: closed after each test."""
    yield
    figures_module.plt.close("all")


def test_the_symbols_follow_the_flags():
    assert mark("12,5", "höher") == "12,5\u00a0▲" and mark("8,3", "niedriger") == "8,3\u00a0▼"
    assert mark("10,0", "ähnlich") == "10,0" and mark("10,0", "") == "10,0" and mark(".", "") == "."
    assert mark("20,0", "oberhalb") == "20,0"  # the Kreis's position among its Vergleichskreise: no small-area flag


def test_the_font_of_the_pdf_and_the_charts_has_the_symbols():
    """DejaVu Sans (the body font Typst is given and the charts' font) has ▲ and ▼ in all four faces."""
    from matplotlib.ft2font import FT2Font

    from sozialbericht.report.render import fonts_dir

    for face in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"):
        charmap = FT2Font(str(fonts_dir() / face)).get_charmap()
        assert all(ord(s) in charmap for s in significance.SYMBOLS.values()), face


def test_the_note_names_the_columns_and_the_rows_not_compared():
    one = table_note(["Kinderarmut"])
    assert one.startswith("\n\n*Zeichen hinter einem Wert (Spalte „Kinderarmut“): ▲ statistisch gesichert höher, ▼")
    assert "als der Wert des Kreises" in one and "Nicht verglichen werden die Zeile des Kreises sowie" in one
    assert one.endswith("Methode: Abschnitt „Methodik und Quellen“.*")
    two = table_note(["A", "B"], des="der Stadt", land=True)
    assert "(Spalten „A“ und „B“)" in two and "als der Wert der Stadt" in two and "die Zeilen der Stadt und des Landes" in two
    assert "(alle Spalten)" in table_note(["A", "B"], every=True)
    assert table_note([]) == ""


def test_the_ranking_names_extremes_with_their_flags():
    values = {"a": 12.5, "b": 8.3, "c": 20.0, "d": np.nan, "e": 15.0}
    flags = {"a": "ähnlich", "b": "niedriger", "c": "ähnlich", "e": "höher"}
    names = {"a": "Aue", "b": "Bachdorf", "c": "Clausberg", "d": "Dorf", "e": "Eichen"}
    r = ranking(values, flags, names)
    assert r.hoechste == Rang("Clausberg", "20,0", "ähnlich") and r.niedrigste == Rang("Bachdorf", "8,3", "niedriger")
    assert r.hoechste.aehnlich and not r.hoechste.gesichert and r.niedrigste.gesichert
    assert (r.gesamt, r.hoeher, r.niedriger, r.aehnlich, r.ohne, r.mit_intervall) == (4, ["Eichen"], ["Bachdorf"], 2, 0, 4)
    assert ranking({"a": np.nan}, {}, names) is None
    plain = ranking({"a": 1.0, "b": 2.0}, {}, names)
    assert plain.ohne == 2 and plain.mit_intervall == 0 and plain.hoechste.flag == ""


def test_a_sentence_never_calls_a_non_significant_extreme_different():
    assert qualifier(Rang("Clausberg", "20,0", "höher"), "höher") == ""
    assert qualifier(Rang("Clausberg", "20,0", "ähnlich"), "höher") == "; vom Kreiswert nicht gesichert verschieden"
    assert qualifier(Rang("Bachdorf", "8,3", "ähnlich"), "niedriger") == "; vom Kreiswert nicht gesichert verschieden"
    assert qualifier(Rang("Bachdorf", "8,3", ""), "niedriger") == ""  # no interval: nothing to say


def _grid(n: int) -> dict:
    features = []
    for i in range(n):
        ring = [[i, 0], [i + 1, 0], [i + 1, 1], [i, 1], [i, 0]]
        features.append({"properties": {"area_id": str(i)}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"features": features}


def test_the_map_hatches_the_similar_gemeinden_in_a_line_that_stands_out():
    """Only the Gemeinden flagged "ähnlich" are hatched, black on light and white on dark classes,
    and the legend names the hatching; without flags the map is as before."""
    values = {"0": 1.0, "1": 1.5, "2": 9.0, "3": 9.5}
    fig = figures.choropleth(_grid(4), values, "Karte", "Wert", [0.5, 5.0, 10.0], diverging=False, similar={"0", "2"})
    ax = fig.axes[0]
    cols = ax.collections[:4]
    assert [c.get_hatch() for c in cols] == [significance.SIMILAR_HATCH, None, significance.SIMILAR_HATCH, None]
    light, dark = cols[0], cols[2]
    assert figures.contrast_ratio(light.get_hatchcolor()[0], light.get_facecolor()[0]) >= 3
    assert figures.contrast_ratio(dark.get_hatchcolor()[0], dark.get_facecolor()[0]) >= 3
    assert tuple(light.get_hatchcolor()[0][:3]) != tuple(dark.get_hatchcolor()[0][:3])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == significance.SIMILAR_LABEL
    plain = figures.choropleth(_grid(4), values, "Karte", "Wert", [0.5, 5.0, 10.0], diverging=False)
    assert not any(c.get_hatch() for c in plain.axes[0].collections)
    assert significance.SIMILAR_LABEL not in [t.get_text() for t in plain.axes[0].get_legend().get_texts()]


def test_the_hatching_differs_from_the_index_map():
    """The social index map hatches its dynamics ("", "..", "///") and marks unsure classes by a
    dashed outline: the hatching of "ähnlich" is none of them."""
    assert significance.SIMILAR_HATCH not in figures.DYNAMIC_HATCH.values()
    assert figures.MARK["facecolor"] == "none"  # the unsure mark is an outline, not a pattern


@pytest.mark.parametrize("fill", ["#C6DBEF", "#08306B", "#4292C6"])
def test_hatch_colour_has_the_better_contrast(fill):
    line = figures.hatch_color(fill)
    other = "#FFFFFF" if line == "#000000" else "#000000"
    assert figures.contrast_ratio(fill, line) >= figures.contrast_ratio(fill, other)
