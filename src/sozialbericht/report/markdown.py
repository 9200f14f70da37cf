"""Markdown building blocks of the report: pipe tables and figures with captions and ids, and the
numbered lists of figures and tables (in document order, as Quarto, Typst and the built-in HTML
number them)."""

from __future__ import annotations

import re

from sozialbericht.core.untrusted import Markdown, md_text


def md_table(header: list[str], rows: list[list[str]], caption: str, ident: str, align: str | None = None) -> str:
    """A pipe table with caption and id (Quarto needs ``{#tbl-…}`` for Typst captions). Every cell
    is text (:func:`untrusted.md_text`) unless the code built it as :class:`untrusted.Markdown`.
    A column without any value ("–" in every row) says nothing and is left out (never the first)."""
    align = align or "l" + "r" * (len(header) - 1)
    empty = {i for i in range(1, len(header)) if rows and all(str(r[i]).strip() == "–" for r in rows)}
    if empty:
        keep = [i for i in range(len(header)) if i not in empty]
        header, rows, align = [header[i] for i in keep], [[r[i] for i in keep] for r in rows], "".join(align[i] for i in keep)
    header = [md_text(h) for h in header]
    rows = [[md_text(c) for c in r] for r in rows]
    widths = [min(40, max(3, *(len(str(r[i])) for r in [header, *rows]))) for i in range(len(header))]
    marks = [(":" + "-" * w if a == "l" else "-" * w + ":" if a == "r" else ":" + "-" * w + ":") for a, w in zip(align, widths)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#tbl-{ident}}}\n"


def md_figure(path: str, caption: str, ident: str, alt: str) -> str:
    """An image with caption and a separate alternative text that says what the chart shows."""
    alt = alt.replace('"', "'")
    return f'![{caption}]({path}){{#fig-{ident} fig-alt="{alt}"}}\n'


#: Where the annex lists the figures and tables (``{{ verzeichnisse }}`` in a chapter text).
LISTS_MARKER = Markdown("<!-- verzeichnisse -->")
_FIGURE = re.compile(r"^!\[(?P<caption>.*)\]\([^)\s]*\)\{#(?P<id>fig-[\w-]+)", re.M)
_TABLE = re.compile(r"^: (?P<caption>.*) \{#(?P<id>tbl-[\w-]+)\}$", re.M)
_SENTENCE_END = re.compile(r"(?<=[\w)“\"])\. (?=[A-ZÄÖÜ])")


def short_caption(caption: str) -> str:
    """The first sentence of a caption, for the lists of figures and tables (the source and the
    notes on reading follow in later sentences)."""
    return _SENTENCE_END.split(caption, maxsplit=1)[0].rstrip(".")


def numbering(markdown: str) -> list[dict]:
    """Every figure and table of the report with its number, in document order as Quarto, Typst and
    the built-in HTML number them: ``{id, art, nummer, titel}`` (titel: the caption's first sentence)."""
    out = []
    for word, pattern in (("Abbildung", _FIGURE), ("Tabelle", _TABLE)):
        for n, m in enumerate(pattern.finditer(markdown), 1):
            out.append({"id": m["id"], "art": word, "nummer": n, "titel": short_caption(m["caption"])})
    return out


def figure_lists(numbers: list[dict]) -> str:
    """The lists of figures and of tables of the report (Markdown, from :func:`numbering`), each entry
    a link to its figure or table."""
    parts = []
    for title, word in (("Abbildungen", "Abbildung"), ("Tabellen", "Tabelle")):
        entries = [f"- [{e['art']} {e['nummer']}](#{e['id']}): {e['titel']}" for e in numbers if e["art"] == word]
        if entries:
            parts.append(f"**{title}**\n\n" + "\n".join(entries))
    return "\n\n".join(parts)
