"""What makes the example report publishable (issue 13), for both engines: the tagged PDF's
structure (title as H1, alternative texts, page labels, PDF/UA), numbered figures and tables with
their lists, the frame a Landkreis publishes (title page, foreword, "Auf einen Blick"), and the
language defects found in review (quotes, sources)."""

from __future__ import annotations

import re

from pypdf import PdfReader

from sozialbericht.compute.changes import read_indicators
from sozialbericht.core import formatting as fmt
from sozialbericht.core.config import load_yaml

REPORT = ("reports", "harz", "2020")


def _file(project, name):
    return project.joinpath(*REPORT, name)


def _struct(reader: PdfReader) -> list[dict]:
    """The structure elements of a tagged PDF in reading order: tag, /T (title), /Alt."""
    out = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "keys"):
            return
        if "/S" in node:
            out.append({"tag": str(node["/S"]), "title": str(node.get("/T", "")), "alt": str(node.get("/Alt", ""))})
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return out


def _markdown(project) -> str:
    return _file(project, "sozialbericht.md").read_text(encoding="utf-8")


def _listed(md: str, word: str) -> list[tuple[int, str, str]]:
    """(number, id, short caption) of the annex's list of figures or tables."""
    return [(int(n), i, c) for n, i, c in re.findall(rf"^- \[{word} (\d+)\]\(#([\w-]+)\): (.+)$", md, re.M)]


def test_pdf_title_is_the_only_h1_and_chapters_are_h2(published):
    tags = _struct(PdfReader(_file(published, "sozialbericht.pdf")))
    h1 = [t for t in tags if t["tag"] == "/H1"]
    assert [t["title"] for t in h1] == ["Sozialbericht Landkreis Harz 2020"]
    assert tags.index(h1[0]) < min(i for i, t in enumerate(tags) if t["tag"] == "/H2")
    h2 = [t["title"] for t in tags if t["tag"] == "/H2"]
    assert {"Inhalt", "Vorwort", "Auf einen Blick", "Zusammenfassung", "Bevölkerung", "Anhang"} <= set(h2), h2
    # no level is skipped below a heading (PDF/UA-1, 7.4.2)
    levels = [int(t["tag"][2]) for t in tags if re.fullmatch(r"/H\d", t["tag"])]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))


def test_pdf_claims_pdf_ua_and_every_figure_says_what_it_shows(published):
    reader = PdfReader(_file(published, "sozialbericht.pdf"))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    md = _markdown(published)
    alts = dict(re.findall(r'\{#(fig-[\w-]+) fig-alt="([^"]+)"\}', md))
    captions = dict((i, c) for c, i in re.findall(r"^!\[(.*)\]\([^)]*\)\{#(fig-[\w-]+)", md, re.M))
    figures = [t["alt"] for t in _struct(reader) if t["tag"] == "/Figure"]
    assert len(figures) == len(alts) >= 10
    assert sorted(figures) == sorted(alts.values())  # the alt text, not the caption
    for fig_id, alt in alts.items():
        assert len(alt) >= 40 and alt != captions[fig_id]


def test_pdf_page_labels_match_the_printed_numbers(published):
    reader = PdfReader(_file(published, "sozialbericht.pdf"))
    labels = reader.page_labels
    assert "Seite" not in reader.pages[0].extract_text()  # the title page has no number …
    assert labels[0] == ""  # … and no label
    for i, page in enumerate(reader.pages[1:], start=1):
        printed = re.search(r"Seite (\d+) von (\d+)", page.extract_text())
        assert printed and labels[i] == printed.group(1), (i, labels[i])
        assert int(printed.group(2)) == len(reader.pages) - 1


def test_figures_and_tables_are_numbered_alike_in_every_format(published):
    md = _markdown(published)
    html = _file(published, "sozialbericht.html").read_text(encoding="utf-8")
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(_file(published, "sozialbericht.pdf")).pages))
    for word, prefix in (("Abbildung", "fig"), ("Tabelle", "tbl")):
        listed = _listed(md, word)
        ids = re.findall(rf"\{{#({prefix}-[\w-]+)", md)
        assert [i for _, i, _ in listed] == ids and [n for n, _, _ in listed] == list(range(1, len(ids) + 1))
        for n, ident, caption in listed:
            assert not caption.startswith("Quelle") and "Quelle:" not in caption
            # HTML: the caption of the element with this id carries the same number
            after = html[html.index(f'id="{ident}"') :]
            assert int(re.search(rf"{word}(?:&nbsp;|\s|\u00a0)*(\d+)", after).group(1)) == n, (word, n, ident)
        # PDF: captions numbered 1 … n in reading order, followed by the lists in the annex
        numbers = [int(n) for n in re.findall(rf"{word}\s?(\d+):", pdf)]
        assert numbers == list(range(1, len(ids) + 1)) * 2, numbers


def test_title_page_foreword_and_key_figures(published):
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(_file(published, "sozialbericht.pdf")).pages]
    assert "Sozialplanung (Beispielangabe)" in pages[0] and "Veröffentlicht am 30.11.2021" in pages[0]
    html = _file(published, "sozialbericht.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(?:<span[^>]*>(\d+)</span>\s*)?([^<]+)</h2>", html)
    names = [h[1].strip() for h in headings]
    assert names.index("Vorwort") < names.index("Auf einen Blick") < names.index("Zusammenfassung")
    numbers = dict((n.strip(), num) for num, n in headings)
    assert numbers["Vorwort"] == "" and numbers["Auf einen Blick"] == "" and numbers["Zusammenfassung"] == "1"
    # every key figure is the published value of indikatoren.csv for the Kreis
    md = _markdown(published)
    block = md[md.index("## Auf einen Blick") : md.index("## Zusammenfassung")]
    rows = [r.strip("|").split(" | ") for r in block.splitlines() if r.startswith("| ") and not r.startswith("| Kennzahl")]
    assert len(rows) >= 8
    ind = read_indicators(_file(published, "indikatoren.csv"))
    kreis = ind[(ind["area_id"] == "15085")]
    catalogue = {c["name"]: c for c in load_yaml(published / "config" / "indicators.yaml")}
    for name, value, *_, stand in (r[:2] + r[-1:] for r in rows):
        c = catalogue[name.strip()]
        series = kreis[kreis["indicator_id"] == c["id"]].sort_values("period")
        if c["level"] == "kreis":
            series = series[series["period"].str[:4].astype(int) <= 2020]
        last = series.iloc[-1]
        shown = fmt.number(last["value"], c["decimals"], "", c.get("method") in fmt.SIGNED_METHODS)
        assert value.strip().startswith(shown), (name, value, shown)
        assert ("synthetische Beispieldaten" in stand) == (last["synthetic"] in (True, "True")), name


def test_german_quotes_and_sources_read_cleanly(published):
    md = _markdown(published)
    html = _file(published, "sozialbericht.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert not re.search(r"„[^“”\"<]{1,80}[”\"]", text), re.search(r"„[^“”\"<]{1,80}[”\"]", text)
    sources = md[md.index("### Quellen und Lizenzen") :].split("\n\n")[1]
    for line in sources.splitlines():
        inner = re.match(r"- \*\*(.+?)\*\* \((.+?)\): (.+) Lizenz: ", line)
        assert inner, line
        parts = [p.strip() for p in inner.group(2).split(",")]
        assert len(parts) == len(set(parts)) and not any(p in inner.group(1) for p in parts[1:]), line
        assert inner.group(3).endswith(".") and ".." not in line, line
    body = re.sub(r"`[^`]*`", "", md[md.index("\n---\n", 4) :])  # without front matter and code spans (markers)
    assert not re.search(r"[^.]\.\.(?!\.)", body), re.search(r".{30}[^.]\.\.(?!\.).{10}", body)  # doubled full stops
    for marker in ("config/", ".yaml", "bevoelkerung_gemeinden.csv", "beratung.xlsx", "kl_"):
        annex = md[md.index("## Anhang") :]
        assert marker not in annex, marker


def test_no_table_caption_is_left_alone_at_a_page_foot(published):
    """A table's caption (above the table) never ends a page without its table."""
    for i, page in enumerate(PdfReader(_file(published, "sozialbericht.pdf")).pages, start=1):
        lines = [line for line in page.extract_text().splitlines() if line.strip() and not line.startswith("Seite ")]
        assert lines and not re.match(r"Tabelle\s?\d+:", lines[-1]), (i, lines[-1])
