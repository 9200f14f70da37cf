"""Chapter "Sozialindex" on a small district."""

import pandas as pd
from chapter_data import SOCIAL_INDEX, District, build, cells, social_index


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
