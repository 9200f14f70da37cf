"""Chapter "Sozialindex" on a small district."""

import pandas as pd
from chapter_data import SOCIAL_INDEX, District, build, cells, rendered, social_index


def test_without_an_index_the_chapter_is_left_out_and_leaves_an_empty_table(tmp_path):
    c = build(District(tmp_path).national().kontext(), "sozialindex")
    assert "sozialindex" not in c.bericht.values and c.sozialindex is not None and not len(c.sozialindex)


def test_the_index_table_by_status_the_map_and_the_gemeinden_in_need(tmp_path):
    d = District(tmp_path).national().own().table("sozialindex", social_index())
    d.table("sozialindex_ausgeschlossen", pd.DataFrame({"area_id": []}))
    d.context["planning"] = {"social_index": SOCIAL_INDEX}
    c = build(d.kontext(), "sozialindex")
    table = cells(c, "sozialindex")
    assert [r[0] for r in table[1:]] == ["Bachdorf", "Aue", "Clausberg"]  # highest status index first
    assert table[1] == ["Bachdorf", "1,70", "sehr niedrig", "0,00", "stabil", "Gruppe 10"]
    values = c.bericht.values["sozialindex"]
    assert values["bedarf"] == [("Bachdorf", "sehr niedrig", "stabil")] and values["mindest"] == "300"
    assert values["grenzen"] == {"status_bounds": ["−1,0", "1,0", "1,5"], "dynamic_bounds": ["−1,0", "1,0"]}
    assert "Status sehr niedrig: Bachdorf" in c.bericht.figures["karte-sozialindex"]
    assert len(c.sozialindex) == 3  # left for the Handlungsbedarfe


def _weighted(tmp_path, participants=True, unsure=("150850003003",)):
    from chapter_data import weighting

    d = District(tmp_path).national().own().table("sozialindex", social_index())
    d.table("sozialindex_ausgeschlossen", pd.DataFrame({"area_id": []}))
    d.context["planning"] = {"social_index": SOCIAL_INDEX}
    return weighting(d, participants, unsure)


def test_the_weights_of_each_participant_the_consensus_and_the_effective_weights(tmp_path):
    c = build(_weighted(tmp_path).kontext(), "sozialindex")
    table = cells(c, "sozialindex-gewichte")
    assert table[0] == ["Gewichtung", "SGB-II-Quote", "Kinderarmut (SGB-II-Quote unter 15 Jahren)"]
    assert table[1:] == [
        ["Gleiche Gewichte", "50,0", "50,0"],
        ["Träger X", "70,0", "30,0"],  # the name the district's configuration gives
        ["Jobcenter Beispiel", "50,0", "50,0"],
        ["**Konsens (Median)**", "**60,0**", "**40,0**"],
        ["Effektive Gewichte bei gleichen Gewichten", "52,0", "48,0"],
        ["Effektive Gewichte beim Konsens", "63,0", "37,0"],
    ]
    text = rendered(c, "sozialindex")
    assert "haben 2 Beteiligte gemeinsam festgelegt (Träger X und Jobcenter Beispiel)" in text
    assert "Nicht berücksichtigt wurde die Gewichtung von KAG" in text
    assert "zu 0,50 überein (Rangkorrelation nach Spearman" in text
    assert "Die Statusklasse ändert sich durch die Konsensgewichte in 1 Gemeinde: Clausberg (hoch statt mittel)." in text
    assert "\n### Gewichte der Indikatoren\n" in text and "\n### Wie sicher ist die Einstufung?\n" in text


def test_every_class_with_its_rank_interval_and_unsure_ones_marked(tmp_path):
    c = build(_weighted(tmp_path).kontext(), "sozialindex")
    table = cells(c, "sozialindex-robustheit")
    assert table[1:] == [
        ["Bachdorf", "sehr niedrig", "1", "1", "1", "100", "sicher"],
        ["Aue", "mittel", "2", "2", "2–3", "100", "sicher"],
        ["Clausberg", "hoch", "3", "2,5", "2–3", "55", "**unsicher**"],
    ]
    assert cells(c, "sozialindex")[3][2] == "hoch (unsicher)"  # the index table marks it too
    assert "Statusklasse unsicher: Clausberg" in c.bericht.figures["karte-sozialindex"]  # the map's alt text
    assert "gestrichelter Rand: Statusklasse unsicher" in c.bericht.figures["karte-sozialindex"]
    figure = c.bericht.figures["rangintervalle-sozialindex"]
    assert "Rangintervalle der 3 Gemeinden" in figure and "Statusklasse unsicher: Clausberg" in figure
    text = rendered(c, "sozialindex")
    assert "2 von 3 Gemeinden behalten ihre Statusklasse in mindestens 80 % der Varianten" in text
    assert "Unsicher ist die Statusklasse von Clausberg (hoch, in 55 % der Varianten gehalten)" in text
    assert "1.000 zufälligen Varianten" in text and "jeweils mit den Gewichten einer oder eines der Beteiligten" in text
    assert c.sozialindex.set_index("area_id").loc["150850003003", "unsicher"]  # left for the Handlungsbedarfe


def test_without_participants_equal_weights_and_the_noise_analysis(tmp_path):
    c = build(_weighted(tmp_path, participants=False, unsure=()).kontext(), "sozialindex")
    assert cells(c, "sozialindex-gewichte")[1:] == [["Gleiche Gewichte", "50,0", "50,0"], ["Effektive Gewichte", "52,0", "48,0"]]
    text = rendered(c, "sozialindex")
    assert "Es wurden keine Gewichte von Beteiligten geliefert; der Index verwendet gleiche Gewichte." in text
    assert "um bis zu ± 25 % von den gleichen Gewichten abweichen" in text and "Spearman" not in text
    assert "Alle 3 Gemeinden behalten ihre Statusklasse in mindestens 80 % der Varianten" in text
    assert len(cells(c, "sozialindex-robustheit")) == 4 and "rangintervalle-sozialindex" in c.bericht.figures


def test_a_participants_name_is_printed_as_text(tmp_path):
    d = _weighted(tmp_path)
    d.context["district"]["beteiligte"] = []  # the name comes from the workbook itself
    d.context["data_quality"]["beteiligung"]["teilnehmer"][0]["name"] = "<b>X</b> | $x$ @ref {{ jahr }}"
    c = build(d.kontext(), "sozialindex")
    row = c.bericht.tables["sozialindex-gewichte"].splitlines()[3]
    assert row.startswith(r"| \<b\>X\</b\> \| \$x\$ \@ref \{\{ jahr \}\} |")
    assert r"\<b\>X\</b\>" in rendered(c, "sozialindex")
