"""Chapters "Handlungsbedarfe" and "Zusammenfassung", built from others, on a small district."""

import pytest
from chapter_data import District, build, cells, complete, rendered


def test_handlungsbedarfe_is_built_from_the_sozialindex(tmp_path):
    c = complete(tmp_path).kontext()
    with pytest.raises(RuntimeError, match="'sozialindex' must be built first"):
        build(c, "handlungsbedarfe")
    build(c, "sozialindex", "handlungsbedarfe")
    values = c.bericht.values["handlungsbedarfe"]
    assert [g["name"] for g in values["gemeinden_bedarf"]] == ["Bachdorf", "Aue"]  # status sehr niedrig; negative dynamics
    assert values["gemeinden_bedarf"][1]["gruende"] == "negative Dynamik" and values["gefaehrdet"] == ["Kinderarmut"]
    table = cells(c, "ziele")
    assert table[1] == ["Kinderarmut", "≤ 12,0 bis 2025", "14,6 (31.12.2020)", "−0,34", "12,9", "**gefährdet (rot)**"]
    assert "**Synthetische Beispieldaten**" in c.bericht.tables["ziele"]  # child poverty comes from synthetic data
    assert c.ziele is not None and len(c.ziele) == 2
    assert "- **Bachdorf**: Status sehr niedrig" in rendered(c, "handlungsbedarfe")


def test_without_targets_and_index_the_text_says_what_is_missing(tmp_path):
    c = build(District(tmp_path).national().kontext(), "sozialindex", "handlungsbedarfe")
    assert c.bericht.values["handlungsbedarfe"] == {"ziele": False, "gefaehrdet": [], "gemeinden_bedarf": [], "index": False}
    assert "sind keine Ziele der Sozialplanung hinterlegt" in rendered(c, "handlungsbedarfe")


def test_the_zusammenfassung_reads_what_the_chapters_before_it_left(tmp_path):
    c = complete(tmp_path).kontext()
    with pytest.raises(RuntimeError, match="must be built first"):
        build(c, "zusammenfassung")
    build(c, "gemeinden", "prognose", "sozialindex", "handlungsbedarfe", "zusammenfassung")
    values = c.bericht.values["zusammenfassung"]
    assert values["ziele"] == (2, ["Kinderarmut"]) and values["gemeinden"] is c.bericht.values["gemeinden"]
    assert values["sozialindex"]["bedarf"] == [("Bachdorf", "sehr niedrig", "stabil")] and values["prognose"]["zieljahr"] == 2035
    text = rendered(c, "zusammenfassung")
    assert "1 von 2 Zielen sind gefährdet: Kinderarmut." in text and "Bachdorf (Status sehr niedrig, Dynamik stabil)" in text
