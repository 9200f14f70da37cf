"""Chapter "Existenzsicherung" on a small district."""

import pytest
from chapter_data import GEMEINDEN, KREIS, District, build, cells, rendered

from sozialbericht.report import figures as figures_module
from sozialbericht.report.significance import SIMILAR_HATCH, SIMILAR_LABEL


@pytest.fixture(autouse=True)
def _close_figures():
    """The maps drawn here are inspected, not saved: closed after each test."""
    yield
    figures_module.plt.close("all")


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


def _flagged(tmp_path, flags):
    """Child poverty 12,5 / 8,3 / 20,0 % in Aue, Bachdorf, Clausberg with ``flags`` against the Kreis."""
    d = District(tmp_path).national().own()
    for g, v, f in zip(GEMEINDEN, (12.5, 8.3, 20.0), flags):
        d.add("kl_kinderarmut", g, "2020-12-31", v, comparison=f)
    d.add("kl_kinderarmut", KREIS, "2020-12-31", 13.0)
    figures = {}
    c = d.kontext()
    c.bericht._save = lambda figure, path: figures.setdefault(path.stem, figure)
    return build(c, "existenzsicherung"), figures


def test_the_highest_gemeinde_not_different_from_the_kreis_is_not_called_the_highest_without_saying_so(tmp_path):
    c, _ = _flagged(tmp_path, ("ähnlich", "niedriger", "ähnlich"))
    text = " ".join(rendered(c, "existenzsicherung").split())
    assert "reicht die Kinderarmut von 8,3 % (Bachdorf) bis 20,0 % (Clausberg)." in text
    assert "Clausberg liegt zwar am höchsten, unterscheidet sich aber nicht statistisch gesichert vom Wert des Kreises." in text
    assert "Statistisch gesichert über dem Wert des Kreises liegt die Kinderarmut in keiner Gemeinde" in text
    assert "gesichert darunter in einer Gemeinde (Bachdorf); in 2 Gemeinden ist der Unterschied nicht gesichert." in text
    assert "Bachdorf liegt zwar" not in text  # the lowest is lower for sure: no caveat


def test_significant_extremes_are_named_without_caveat(tmp_path):
    c, _ = _flagged(tmp_path, ("ähnlich", "niedriger", "höher"))
    text = " ".join(rendered(c, "existenzsicherung").split())
    assert "liegt zwar" not in text and "Beide Werte" not in text
    assert "liegt die Kinderarmut in einer Gemeinde (Clausberg), gesichert darunter in einer Gemeinde (Bachdorf)" in text
    both, _ = _flagged(tmp_path / "b", ("ähnlich", "ähnlich", "ähnlich"))
    assert "Beide Werte unterscheiden sich aber nicht statistisch gesichert" in rendered(both, "existenzsicherung")


def test_without_intervals_the_text_ranks_as_before(tmp_path):
    c, figures = _flagged(tmp_path, ("", "", ""))
    text = rendered(c, "existenzsicherung")
    assert "gesichert" not in text and c.bericht.values["existenzsicherung"]["rangfolge"] is None
    assert "Zeichen hinter einem Wert" not in c.bericht.tables["existenzsicherung"]
    assert not any(col.get_hatch() for col in figures["karte-kinderarmut"].axes[0].collections)
    assert "schraffiert" not in c.bericht.figures["karte-kinderarmut"]


def test_table_symbols_and_map_hatching_follow_the_flags(tmp_path):
    c, figures = _flagged(tmp_path, ("ähnlich", "niedriger", "höher"))
    kinderarmut = [r[2] for r in cells(c, "existenzsicherung")[1:]]
    assert kinderarmut[:3] == ["12,5", "8,3\u00a0▼", "20,0\u00a0▲"] and kinderarmut[3] == "13,0"
    assert "Spalte „Kinderarmut (SGB-II-Quote unter 15 Jahren)“" in c.bericht.tables["existenzsicherung"]
    ax = figures["karte-kinderarmut"].axes[0]
    hatches = [col.get_hatch() for col in ax.collections[: len(GEMEINDEN)]]  # one collection per Gemeinde, in order
    assert hatches == [SIMILAR_HATCH, None, None]  # only Aue (ähnlich)
    assert SIMILAR_LABEL in [t.get_text() for t in ax.get_legend().get_texts()]
    figure = c.bericht.figures["karte-kinderarmut"]
    assert (
        "Schraffiert: Gemeinden, deren Kinderarmut sich nicht statistisch gesichert vom Wert des Kreises (13,0\u00a0%)" in figure
    )
    alt = figure.split('fig-alt="')[1]
    assert (
        "schraffiert ist die eine Gemeinde, deren Wert sich nicht gesichert vom Wert des Kreises (13,0\u00a0%) unterscheidet"
        in alt
    )
    assert "Clausberg am höchsten (20,0 %) und in Bachdorf am niedrigsten (8,3 %)" in alt


def test_the_map_says_when_the_highest_is_not_different(tmp_path):
    c, _ = _flagged(tmp_path, ("ähnlich", "niedriger", "ähnlich"))
    alt = c.bericht.figures["karte-kinderarmut"].split('fig-alt="')[1]
    assert "Clausberg am höchsten (20,0 %; vom Kreiswert nicht gesichert verschieden)" in alt
    assert "schraffiert sind die 2 Gemeinden" in alt
