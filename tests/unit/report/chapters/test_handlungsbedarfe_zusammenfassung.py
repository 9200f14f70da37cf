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


def test_without_targets_and_index_the_chapter_has_neither_section(tmp_path):
    c = build(District(tmp_path).national().kontext(), "sozialindex", "handlungsbedarfe")
    values = c.bericht.values["handlungsbedarfe"]
    assert (values["ziele"], values["gefaehrdet"], values["gemeinden_bedarf"], values["index"]) == (False, [], [], False)
    text = rendered(c, "handlungsbedarfe")
    assert "### Ziele und Zielerreichung" not in text and "### Gemeinden mit Hinweisen" not in text
    assert "sind keine Ziele der Sozialplanung hinterlegt" not in text  # findings by rule instead (test_handlungsbedarfe.py)


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


def test_robust_findings_come_first_and_an_unsure_class_is_marked(tmp_path):
    from chapter_data import weighting

    c = weighting(complete(tmp_path), unsure=("150850002002",)).kontext()  # Bachdorf's "sehr niedrig" is unsure
    build(c, "gemeinden", "prognose", "sozialindex", "handlungsbedarfe", "zusammenfassung")
    need = c.bericht.values["handlungsbedarfe"]["gemeinden_bedarf"]
    assert [(g["name"], g["unsicher"], g["gehalten"]) for g in need] == [("Aue", False, ""), ("Bachdorf", True, "55")]
    text = rendered(c, "handlungsbedarfe")
    assert "Zuerst stehen die Gemeinden, deren Einstufung robust ist" in text
    assert "- **Bachdorf**: Status sehr niedrig (*Einstufung unsicher*: Klasse in 55 % der Varianten gehalten)" in text
    assert text.index("**Aue**") < text.index("**Bachdorf**")
    assert "Bachdorf (Status sehr niedrig, Einstufung unsicher, Dynamik stabil)" in rendered(c, "zusammenfassung")


def test_without_unsure_classes_the_order_is_by_status_index(tmp_path):
    from chapter_data import weighting

    c = weighting(complete(tmp_path), unsure=()).kontext()
    build(c, "sozialindex", "handlungsbedarfe")
    assert [g["name"] for g in c.bericht.values["handlungsbedarfe"]["gemeinden_bedarf"]] == ["Bachdorf", "Aue"]
    assert "Zuerst stehen" not in rendered(c, "handlungsbedarfe")


def test_a_gemeinde_value_in_the_list_says_whether_it_differs_from_the_kreis(tmp_path):
    """Issue 25.2: the Gemeinde list marks a value that differs significantly from the Kreis value
    (▲ / ▼) and explains the marks; a value without a flag stays bare."""
    d = complete(tmp_path)
    d.add("kl_kinderarmut", "150850002002", "2021-12-31", 30.0, comparison="höher")
    c = build(d.kontext(), "sozialindex", "handlungsbedarfe")
    bachdorf, aue = c.bericht.values["handlungsbedarfe"]["gemeinden_bedarf"]
    assert bachdorf["kinderarmut"] == "30,0\u00a0%\u00a0▲" and bachdorf["gesichert"]
    assert "▲" not in aue["kinderarmut"] + aue["sgb2"] and not aue["gesichert"]
    assert "▲ bzw. ▼: Der Wert der Gemeinde liegt gesichert über bzw. unter dem Wert" in rendered(c, "handlungsbedarfe")
    plain = build(complete(tmp_path / "ohne").kontext(), "sozialindex", "handlungsbedarfe")
    assert "▲ bzw. ▼" not in rendered(plain, "handlungsbedarfe")


def test_the_zusammenfassung_counts_the_findings_by_rule(tmp_path):
    """Issue 25.4: the summary says how many findings the chapter "Handlungsbedarfe" shows, by rule."""
    c = build(complete(tmp_path).kontext(), "gemeinden", "prognose", "sozialindex", "handlungsbedarfe", "zusammenfassung")
    shown = c.bericht.values["handlungsbedarfe"]["befunde"]
    counted = c.bericht.values["zusammenfassung"]["hinweise"]
    assert counted["anzahl"] == len(shown) >= 1 and sum(n for _, n in counted["regeln"]) == len(shown)
    assert [r for r, _ in counted["regeln"]] == list(dict.fromkeys(b["regel"] for b in shown))  # the chapter's order
    text = rendered(c, "zusammenfassung")
    assert f"Das Kapitel „Handlungsbedarfe“ nennt {len(shown)} Hinweis" in text
    assert "zu gefährdeten Zielen" in text  # the small district's target on child poverty is at risk
