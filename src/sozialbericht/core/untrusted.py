"""Text from outside the administration becomes report text here, and only here.

Threat model (the README's section „Sicherheit: Dateien von außen“ says it in German): the
providers' workbooks and the statements come from outside the Kreis administration; the report
built from them is published on the Kreis's website. Anything such a file contains is *data*:

- Every string of outside origin (provider names, sites, languages, file names, cell values quoted
  in messages) reaches the report's Markdown only through :func:`md_text`, which escapes every
  character that Pandoc Markdown (with its raw HTML, raw Typst/TeX, citation, math, table and
  Quarto shortcode syntax) could read as markup. HTML and Typst/PDF are written *from* that
  Markdown by Pandoc, which escapes text for each format, so one function covers both engines.
  The templates apply it to every value by default (:func:`finalize`); only :class:`Markdown`
  values — built by the project's own code from escaped parts — pass unchanged.
- Statements are Markdown from outside: :func:`safe_markdown` parses them with Pandoc and
  rebuilds a safe subset (paragraphs, emphasis, lists, headings demoted to level 4, block quotes,
  plain ``http(s)``/``mailto`` links); raw HTML/Typst/TeX, images, citations, math, code,
  shortcodes and every attribute are printed as text or dropped.
- Spreadsheet and CSV cells: :func:`spreadsheet_text` keeps a value that a spreadsheet program
  would read as a formula (``= + - @``, tab, carriage return at the start) as text.
- Reading: :func:`read_outside_text` decodes UTF-8 (with or without BOM) or Windows-1252 and
  refuses anything else, and anything larger than :data:`MAX_TEXT_BYTES`, naming the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sozialbericht.core.errors import InputError

#: Largest statement or district text read (a statement of a few pages is a few kB).
MAX_TEXT_BYTES = 512 * 1024


class Markdown(str):
    """Markdown the project wrote itself (from escaped parts): passes the templates unescaped."""

    __slots__ = ()


# Every ASCII character that can start or close a Pandoc Markdown construct inside a line:
# emphasis, code, raw attributes, spans and attributes, links and images, raw HTML and autolinks,
# entities, math, citations and cross references, table cells, footnotes, super-/subscript,
# strikeout, Quarto shortcodes, smart quotes, and backslash escapes themselves.
_INLINE = re.compile(r"([\\`*{}\[\]<>&$@#|~^\"'])")
# An underscore inside a word is literal (Pandoc's intraword_underscores): "traeger_a.xlsx" stays
# readable in the Markdown twin; one at a word's edge could open emphasis and is escaped.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# Smart punctuation: "--" and "..." would become dashes and an ellipsis.
_SMART = re.compile(r"(?<=-)-|(?<=\.)\.")
# At the start of a line: list items, headings, quotes, fenced divs, definition lists, numbered lists.
_LINE_START = re.compile(r"^(\s*)([-+:](?=\s|:|$)|>|\d+(?=[.)](?:\s|$)))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def md_text(value) -> str:
    """``value`` as literal inline text of Pandoc Markdown: whatever it contains, it is printed as
    written in the Markdown twin, the HTML and the PDF, and never read as markup (newlines and
    control characters become spaces)."""
    if isinstance(value, Markdown):
        return value
    text = _CONTROL.sub(" ", str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    text = _INLINE.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _SMART.sub(lambda m: "\\" + m[0], text)
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2] if not m[2].isdigit() else m[1] + m[2] + "\\", text)


def finalize(value):
    """The templates' ``finalize``: every ``{{ value }}`` is text unless it is :class:`Markdown`."""
    if isinstance(value, Markdown):
        return value
    if value is None:
        return ""
    return md_text(value)


def bold(value) -> Markdown:
    return Markdown(f"**{md_text(value)}**")


def italic(value) -> Markdown:
    return Markdown(f"*{md_text(value)}*")


def spreadsheet_text(value: str) -> str:
    """A string cell for CSV: a value that a spreadsheet would read as a formula gets a leading
    apostrophe (OWASP's advice for CSV injection); every other value is unchanged."""
    text = str(value)
    risky = text[:1] in ("=", "+", "-", "@", "\t", "\r") and len(text) > 1 and not _NUMBER.fullmatch(text)
    return "'" + text if risky else text


_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")


# --- statements: a safe subset of Markdown -----------------------------------------------------------
_SCHEMES = ("http://", "https://", "mailto:")


def safe_markdown(text: str, source: Path | str) -> Markdown:
    """A statement (Markdown from outside) rebuilt from Pandoc's reading of it, with only
    paragraphs, emphasis, lists, headings (level 4 and below), block quotes and plain
    http(s)/mailto links; everything else printed as text or dropped."""
    import pypandoc

    try:
        ast = json.loads(pypandoc.convert_text(text, "json", format="markdown", sandbox=True))
    except RuntimeError as exc:
        raise InputError(source, f"Text konnte nicht gelesen werden: {exc}", hint="als einfachen Text speichern") from None
    return Markdown(_blocks(ast["blocks"], 0).strip() + "\n")


def _blocks(blocks: list, depth: int) -> str:
    return "".join(_block(b, depth) for b in blocks)


def _block(b: dict, depth: int) -> str:
    t, c = b["t"], b.get("c")
    if t in ("Para", "Plain"):
        return _inlines(c).strip() + "\n\n"
    if t == "Header":
        return "#" * min(6, max(4, c[0] + 3)) + " " + _inlines(c[2]).strip() + "\n\n"
    if t == "BlockQuote":
        inner = _blocks(c, depth).strip()
        return "\n".join("> " + line if line else ">" for line in inner.splitlines()) + "\n\n"
    if t in ("BulletList", "OrderedList"):
        items = c if t == "BulletList" else c[1]
        out = []
        for i, item in enumerate(items, start=1):
            mark = "- " if t == "BulletList" else f"{i}. "
            body = _blocks(item, depth + 1).strip().splitlines() or [""]
            out.append(mark + body[0] + "".join("\n" + " " * len(mark) + line if line else "\n" for line in body[1:]))
        return "\n".join(out) + "\n\n"
    if t == "Div":
        return _blocks(c[1], depth)
    if t == "HorizontalRule":
        return ""
    text = _plain_block(b).strip()  # code, raw blocks, tables, line blocks …: printed as text
    return md_text(text) + "\n\n" if text else ""


def _inlines(inlines: list) -> str:
    return "".join(_inline(i) for i in inlines)


def _inline(i: dict) -> str:
    t, c = i["t"], i.get("c")
    if t == "Str":
        return md_text(c)
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t == "Emph":
        return "*" + _inlines(c) + "*"
    if t == "Strong":
        return "**" + _inlines(c) + "**"
    if t in ("Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
        return _inlines(c)
    if t == "Span":
        return _inlines(c[1])
    if t == "Quoted":
        return "„" + _inlines(c[1]) + "“"
    if t == "Cite":
        return _inlines(c[1])
    if t == "Link":
        url = c[2][0]
        label = _inlines(c[1]) or md_text(url)
        if url.lower().startswith(_SCHEMES) and not re.search(r"[\s<>\"'`\\]", url):
            return f"[{label}](<{url.replace('(', '%28').replace(')', '%29')}>)"
        return label
    if t == "Image":
        return md_text(_plain(c[1]))
    if t in ("Code", "RawInline"):
        return md_text(c[1])
    if t == "Math":
        return md_text(("$$" if c[0]["t"] == "DisplayMath" else "$") + c[1] + ("$$" if c[0]["t"] == "DisplayMath" else "$"))
    if t == "Note":
        return " (" + md_text(" ".join(_plain_block(b) for b in c)) + ")"
    return md_text(_plain([i]))


def _plain(inlines: list) -> str:
    out = []
    for i in inlines:
        t, c = i["t"], i.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Code", "RawInline", "Math"):
            out.append(c[1])
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            out.append(_plain(c))
        elif t in ("Span", "Quoted", "Cite"):
            out.append(_plain(c[1]))
        elif t in ("Link", "Image"):
            out.append(_plain(c[1]))
    return "".join(out)


def _plain_block(b: dict) -> str:
    t, c = b["t"], b.get("c")
    if t in ("CodeBlock", "RawBlock"):
        return c[1]
    if t in ("Para", "Plain", "Header"):
        return _plain(c[2] if t == "Header" else c)
    if t == "LineBlock":
        return " ".join(_plain(line) for line in c)
    return " ".join(_plain_block(x) for x in _child_blocks(b))


def _child_blocks(b: dict) -> list:
    """The blocks inside a block of any other kind (tables, figures, definition lists …)."""
    found = []

    def walk(node):
        if isinstance(node, dict) and "t" in node:
            if node["t"] in ("Para", "Plain", "CodeBlock", "RawBlock", "Header", "LineBlock"):
                found.append(node)
                return
            walk(node.get("c"))
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(b.get("c"))
    return found


# --- reading ---------------------------------------------------------------------------------------
def read_outside_text(path: Path | str) -> str:
    """A text file from outside (statement, district text): UTF-8 with or without BOM, or
    Windows-1252 where that is unambiguous; anything else is refused naming the file
    (decoding: :func:`sozialbericht.core.text.read_document`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(path, "Textdatei nicht gefunden", hint="den Pfad unter texte in der Kreiskonfiguration prüfen") from None
    if size > MAX_TEXT_BYTES:
        raise InputError(
            path,
            f"Textdatei ist {size // 1024} kB groß",
            expected=f"höchstens {MAX_TEXT_BYTES // 1024} kB Text",
            hint="die Datei prüfen: eine Stellungnahme umfasst wenige Seiten Text, keine Bilder oder Tabellen",
        )
    from sozialbericht.core.text import read_document

    return read_document(path)
