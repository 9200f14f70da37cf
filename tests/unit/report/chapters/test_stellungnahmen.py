"""Chapter "Stellungnahmen" on a small district."""

import pytest
from chapter_data import District, build, rendered

from sozialbericht.core.errors import InputError


def test_without_statements_the_chapter_is_left_out(tmp_path):
    c = build(District(tmp_path).national().kontext(), "stellungnahmen")
    assert "stellungnahmen" not in c.bericht.values


def test_a_statement_verbatim_with_author_and_date(tmp_path):
    text = tmp_path / "liga.md"
    text.write_text("# Zur Beratung\n\nDie Liga begrüßt {{ den Bericht }}.\n", encoding="utf-8")
    texte = {"stellungnahmen": [{"von": "Liga der Wohlfahrtspflege", "datum": "2021-10-15", "datei": str(text)}]}
    c = build(District(tmp_path).national().kontext(texte), "stellungnahmen")
    out = rendered(c, "stellungnahmen")
    assert "### Stellungnahme: Liga der Wohlfahrtspflege, 15.10.2021" in out
    assert "#### Zur Beratung" in out and "Die Liga begrüßt \\{\\{ den Bericht \\}\\}." in out  # verbatim: no placeholders


def test_a_missing_statement_is_named(tmp_path):
    texte = {"stellungnahmen": [{"von": "Liga", "datum": "2021-10-15", "datei": str(tmp_path / "fehlt.md")}]}
    c = District(tmp_path).national().kontext(texte)
    with pytest.raises(InputError, match="Stellungnahme nicht gefunden"):
        build(c, "stellungnahmen")
