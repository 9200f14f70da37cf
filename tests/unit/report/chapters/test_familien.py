"""Chapter "Familien und Haushalte" on a small district."""

from chapter_data import District, build, cells, rendered


def test_without_own_data_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "familien")
    assert "familien" not in c.bericht.values and "familien" not in c.bericht.tables


def test_the_table_has_the_catalogue_columns_in_their_positions(tmp_path):
    c = build(District(tmp_path).national().own().kontext(), "familien")
    table = cells(c, "familien")
    assert table[0] == ["Gebiet", "Geburten", "Bedarfsgemeinschaften mit Kindern", "Alleinerziehende (%)"]
    assert table[1] == ["Aue", "100", "100", "5,0"] and table[-1] == ["**Beispiel**", "400", "400", "20,0"]
    assert len(table) == 5  # three Gemeinden and the Kreis, no Land
    assert "Im Landkreis Beispiel wurden 2020 400 Kinder geboren." in rendered(c, "familien")
