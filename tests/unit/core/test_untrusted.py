"""Files from outside are data, never code (issue 23): the one place where outside text becomes
report text (``untrusted.py``), the sandboxed text templates, the allow-list of embedded files, inert
spreadsheets — tried as an attacker would, with a property test over a hostile alphabet (the example
run with a hostile provider workbook and statement: tests/e2e/test_untrusted_example.py)."""

from __future__ import annotations

import re

import jinja2
import openpyxl
import pandas as pd
import pypandoc
import pytest
from conftest import ROOT
from hostile_text import PANDOC_ATTRIBUTES, SAFE_SUBSET, STATEMENT, parse_html, squash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from sozialbericht.core.errors import InputError
from sozialbericht.core.untrusted import Markdown, md_text, read_outside_text, safe_markdown, spreadsheet_text
from sozialbericht.report.markdown import md_table
from sozialbericht.report.render import MARKDOWN_FORMAT, RenderError, embed_resources
from sozialbericht.report.templates import template_error, templates

FILTER = ROOT / "report" / "filters" / "typst-text.lua"
HOSTILE_TOKENS = [
    "<script>alert(1)</script>",
    '<img src="/etc/passwd" onerror=alert(1)>',
    "<iframe src=x>",
    '<meta http-equiv="refresh" content="0;url=https://example.org">',
    "[klick](javascript:alert(1))",
    '`#read("/etc/passwd")`{=typst}',
    "```{=html}",
    "{{< include /etc/passwd >}}",
    "@Liga_Harz",
    "$x^2$",
    "#set page(fill: red)",
    "| Suchtberatung |",
    "\\",
    "--",
    "...",
    "&amp;",
    "^[Fußnote]",
    "~~durch~~",
    "**fett**",
    "{.klasse}",
    "![bild](/etc/passwd)",
    "=1+1",
    "<!-- x -->",
]
ALPHABET = st.sampled_from(list("<>&|@#$=+-{}[]`\\*_~^\"'!:;./%() aZäß0") + HOSTILE_TOKENS)
hostile_text = st.lists(ALPHABET, min_size=1, max_size=12).map("".join).filter(lambda s: s.strip())


# --- the one escaping function --------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_any_outside_string_is_text_in_markdown_html_and_typst(value):
    """A string from outside in a paragraph and in a table cell: Pandoc reads it as text only (no
    element but paragraph and table, no raw HTML/Typst, no citation), and writes it back as written."""
    doc = f"Träger: {md_text(value)} Ende.\n\n" + md_table(["Name", "Fälle"], [[value, "3"]], "Test", "t")
    ast = pypandoc.convert_text(doc, "json", format=MARKDOWN_FORMAT)
    for kind in ("RawInline", "RawBlock", "Cite", "Math", "Link", "Image", "Code", "Note", "Emph", "Strong", "Span"):
        assert f'"t":"{kind}"' not in ast, (kind, value)
    page = parse_html(pypandoc.convert_text(doc, "html5", format=MARKDOWN_FORMAT))
    assert {t for t, _ in page.tags} <= {"p", "table", "caption", "thead", "tbody", "tr", "th", "td", "colgroup", "col"}
    assert not [a for a in page.attrs if a[1] not in ("class", "style", "width", "id")]
    expected = squash(value)
    assert expected in squash("".join(page.text))
    assert expected.replace(" ", "") in typst_pdf_text(doc).replace(" ", "")


def typst_pdf_text(markdown: str) -> str:
    """The text of the PDF that Typst makes of ``markdown`` as the report does (Pandoc's Typst
    writer with the report's text filter, then Typst)."""
    import tempfile

    import typst

    body = pypandoc.convert_text(markdown, "typst", format=MARKDOWN_FORMAT, extra_args=["--lua-filter", str(FILTER)])
    # one line per paragraph, no hyphenation: the PDF's text is then exactly what was set
    typ = "#set page(width: auto, height: auto)\n#set text(hyphenate: false)\n" + body
    with tempfile.TemporaryDirectory() as tmp:
        pdf = typst.compile(typ.encode("utf-8"), root=tmp)
        from io import BytesIO

        return squash(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def test_typst_compiles_outside_strings_and_the_pdf_shows_them():
    values = [squash(t) for t in HOSTILE_TOKENS]
    pdf = typst_pdf_text("\n\n".join(f"Wert: {md_text(v)}" for v in values))
    for v in values:
        assert v.replace(" ", "") in pdf.replace(" ", ""), v


def test_project_markdown_passes_and_outside_text_does_not():
    assert md_text(Markdown("**fett**")) == "**fett**"
    assert md_text("**fett**") == r"\*\*fett\*\*"
    cells = md_table(["a", "b"], [[Markdown("**K**"), "x | y"]], "T", "t")
    assert "| **K** | x \\| y |" in cells


# --- statements: the safe subset ------------------------------------------------------------------
def test_a_statement_keeps_its_text_and_loses_its_code():
    md = safe_markdown(STATEMENT, "stellungnahme.md")
    page = parse_html(pypandoc.convert_text(md, "html5", format=MARKDOWN_FORMAT))
    assert {t for t, _ in page.tags} <= SAFE_SUBSET
    hrefs = [v for t, a, v in page.attrs if a == "href"]
    assert len(hrefs) == 2 and hrefs[1] == "mailto:info@liga.example.org" and hrefs[0].startswith("https://liga.example.org/")
    assert not [a for t, a, v in page.attrs if a not in PANDOC_ATTRIBUTES]
    text = squash("".join(page.text))
    for shown in ('<script>alert("x")</script>', '#read("/etc/passwd")', "@Liga_Harz", "{{< include /etc/passwd >}}", "$x^2$"):
        assert shown in text, shown
    for kept in ("Wir begrüßen den Bericht und fordern mehr Stellen", "Hinweis im Kasten", "Ein Zitat", "eins", "unten"):
        assert kept in text
    assert "#### Stellungnahme der Liga" in md and "##### Unterpunkt" in md  # headings demoted
    typst = pypandoc.convert_text(md, "typst", format=MARKDOWN_FORMAT)
    assert not re.search(r"(?<!\\)#read", typst)  # only escaped: printed, never run


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(hostile_text, st.sampled_from(["\n", "\n\n", "\n- ", "\n> ", "\n# ", "\n```\n"])), max_size=15))
def test_no_statement_reaches_the_html_as_markup(parts):
    md = safe_markdown("".join(parts), "stellungnahme.md")
    page = parse_html(pypandoc.convert_text(md, "html5", format=MARKDOWN_FORMAT))
    assert {t for t, _ in page.tags} <= SAFE_SUBSET
    for _, attr, value in page.attrs:
        assert attr in PANDOC_ATTRIBUTES, attr
        assert attr != "href" or value.startswith(("http://", "https://", "mailto:")), value


# --- reading texts ----------------------------------------------------------------------------------
def test_texts_in_windows_1252_are_read_and_binary_is_refused_naming_the_file(tmp_path):
    (tmp_path / "a.md").write_bytes("Überörtliche Träger – „Beispiel“".encode("cp1252"))
    assert read_outside_text(tmp_path / "a.md") == "Überörtliche Träger – „Beispiel“"
    (tmp_path / "b.md").write_bytes("\ufeffmit BOM".encode())
    assert read_outside_text(tmp_path / "b.md") == "mit BOM"
    (tmp_path / "c.md").write_bytes("UTF-16".encode("utf-16"))
    with pytest.raises(InputError, match="c.md"):
        read_outside_text(tmp_path / "c.md")
    (tmp_path / "d.md").write_bytes(b"x" * (600 * 1024))
    with pytest.raises(InputError, match="höchstens"):
        read_outside_text(tmp_path / "d.md")


# --- templates: sandboxed, only their own folders ------------------------------------------------------
@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ zahl.__globals__ }}",
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
        "{% import '/etc/hostname' as x %}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_a_text_template_cannot_read_files_or_run_code(tmp_path, attack):
    texts = tmp_path / "texte"
    texts.mkdir()
    path = texts / "vorwort.md"
    path.write_text(f"Vorwort\n\nZeile zwei {attack}\n", encoding="utf-8")
    env = templates((texts.resolve(),))
    with pytest.raises((jinja2.TemplateError, jinja2.TemplateNotFound)) as info:
        env.get_template(str(path.resolve())).render(zahl=1)
    error = template_error(info.value, path)
    assert error is not None and "vorwort.md" in str(error)
    assert "root:" not in str(error)


def test_a_symbolic_link_out_of_the_text_folder_is_not_followed(tmp_path):
    texts = tmp_path / "texte"
    texts.mkdir()
    (tmp_path / "geheim.md").write_text("GEHEIM", encoding="utf-8")
    (texts / "link.md").symlink_to(tmp_path / "geheim.md")
    (texts / "vorwort.md").write_text("{% include 'link.md' %}", encoding="utf-8")
    with pytest.raises(jinja2.TemplateNotFound):
        templates((texts.resolve(),)).get_template(str((texts / "vorwort.md").resolve())).render()


def test_values_in_templates_are_text_unless_built_as_markdown(tmp_path):
    (tmp_path / "k.md").write_text("{{ name }} / {{ fertig }} / {{ name | fett }}", encoding="utf-8")
    out = templates((tmp_path.resolve(),)).get_template(str(tmp_path.resolve() / "k.md"))
    rendered = out.render(name="<b>X</b> @y", fertig=Markdown("**ok**"))
    assert rendered == r"\<b\>X\</b\> \@y / **ok** / **\<b\>X\</b\> \@y**"


# --- embedding and spreadsheets --------------------------------------------------------------------
def test_only_generated_files_are_embedded(tmp_path):
    folder = tmp_path / "render"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "a.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "sozialbericht.css").write_text("p{}", encoding="utf-8")
    (tmp_path / "canary.txt").write_text("CANARY", encoding="utf-8")
    (folder / "kopie.txt").write_text("CANARY", encoding="utf-8")
    ok = folder / "ok.html"
    ok.write_text('<link rel="stylesheet" href="sozialbericht.css" /><img src="figures/a.svg">', encoding="utf-8")
    assert "data:image/svg+xml;base64" in embed_resources(ok, folder).read_text(encoding="utf-8")
    for ref in (str(tmp_path / "canary.txt"), "../canary.txt", "kopie.txt", "/etc/passwd", "figures/../../canary.txt"):
        for tag in (f'<img src="{ref}">', f'<link rel="stylesheet" href="{ref}" />'):
            bad = folder / "bad.html"
            bad.write_text(tag, encoding="utf-8")
            with pytest.raises(RenderError, match="nicht in den Bericht eingebettet|fehlt im Berichtsordner"):
                embed_resources(bad, folder)


def test_spreadsheet_cells_are_never_formulas(tmp_path):
    from sozialbericht.core.files import write_tidy
    from sozialbericht.publish.exports import _Book, _sheet

    book = _Book(tmp_path / "t.xlsx")
    _sheet(book, "T", ["=1+1", "b", "c", "d"], [['=HYPERLINK("https://x")', "+1", "@SUMME(A1)", "http://example.org"]])
    book.wb.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["T"]
    assert [c.data_type for c in ws[1]] == ["s"] * 4 and [c.data_type for c in ws[2]] == ["s"] * 4
    assert ws["D2"].hyperlink is None
    assert ws["A2"].value == '=HYPERLINK("https://x")'
    df = pd.DataFrame({"area_name": ["=cmd|'/C calc'!A0", "-2+3", "Harz", "-"], "value": [1.0, -2.0, 3.0, 4.0]})
    write_tidy(df, tmp_path / "t.csv", published=True)
    assert pd.read_csv(tmp_path / "t.csv")["area_name"].tolist() == ["'=cmd|'/C calc'!A0", "'-2+3", "Harz", "-"]
    assert spreadsheet_text("-3.5") == "-3.5" and spreadsheet_text("@x") == "'@x"
