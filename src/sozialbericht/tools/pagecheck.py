"""Page check of rendered PDFs: no two words print over each other, no text outside the page, no
word cut inside a table cell.

Reads every word box of every page with PyMuPDF (``page.get_text("words", clip=pymupdf.INFINITE_RECT())``) and reports, in German,
each pair of words whose boxes overlap, each word that lies (partly) outside the printable area,
and each word of table type (at most :data:`TABLE_SIZE` pt) that ends in a hyphen and goes on in
lower case on the next line of its cell ("Fäl-" / "le"): the tables are set without hyphenation,
so such a cut means a column narrower than its longest word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Minimum distance of any text from the paper edge (pt): closer text is cut by printers.
PRINT_MARGIN = 14.0
#: Two boxes overlap when their intersection covers more than this share of the smaller box.
OVERLAP_SHARE = 0.25
#: Largest type size of table cells (pt; the report's tables are set in 8 pt, body text in 10 pt).
TABLE_SIZE = 8.05
#: Words after which a hyphen ends a compound's first part, not a cut ("Schwangerschafts- und").
_CONTINUATIONS = {"und", "oder", "bzw.", "sowie", "bis", "u.", "als"}


@dataclass(frozen=True)
class Defect:
    pdf: Path
    page: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.pdf}, Seite {self.page}: {self.message}"


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _overlap(a, b) -> float:
    """Share of the smaller box that the intersection of the boxes a and b covers."""
    inter = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    smaller = min(_area(a), _area(b))
    return _area(inter) / smaller if smaller > 0 else 0.0


def check_words(words: list[tuple], width: float, height: float) -> list[str]:
    """German messages for one page, given PyMuPDF word tuples ``(x0, y0, x1, y1, text, …)``."""
    messages = []
    for w in words:
        if w[0] < PRINT_MARGIN or w[1] < PRINT_MARGIN or w[2] > width - PRINT_MARGIN or w[3] > height - PRINT_MARGIN:
            messages.append(
                f"„{w[4]}“ liegt außerhalb des druckbaren Bereichs (Box {w[0]:.0f},{w[1]:.0f}–{w[2]:.0f},{w[3]:.0f} pt, "
                f"Seite {width:.0f}×{height:.0f} pt, Rand {PRINT_MARGIN:.0f} pt); Tabelle oder Abbildung verkleinern"
            )
    ordered = sorted(words, key=lambda w: w[0])
    for i, a in enumerate(ordered):  # sweep over x: only boxes that start before a ends can meet it
        for b in ordered[i + 1 :]:
            if b[0] >= a[2]:
                break
            if _overlap(a, b) > OVERLAP_SHARE:
                messages.append(
                    f"„{a[4]}“ und „{b[4]}“ überdrucken sich (bei x={max(a[0], b[0]):.0f} pt, y={max(a[1], b[1]):.0f} pt); "
                    "Spaltenbreiten, Schriftgröße oder Beschriftungen anpassen"
                )
    return messages


def cut_words(words: list[tuple], small: list[tuple]) -> list[str]:
    """German messages for words of table type (their centre inside one of the ``small`` span
    boxes) cut at the end of a line: ending in "-" and continued in lower case in the line below,
    in the same column."""
    messages = []

    def is_small(w) -> bool:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in small)

    for a in words:
        text = a[4]
        # Typst writes a hyphenation point as a soft hyphen (U+00AD), an explicit one as "-"
        if len(text) < 2 or text[-1] not in "-\u00ad" or not text[-2].isalpha() or not is_small(a):
            continue
        height = a[3] - a[1]
        below = [
            b for b in words if a[1] + 0.5 * height < b[1] < a[3] + 0.8 * height and b[0] < a[2] and b[2] > a[0] and is_small(b)
        ]
        if not below:
            continue
        b = min(below, key=lambda w: (w[1], w[0]))
        if b[4][:1].islower() and b[4].rstrip(",.;") not in _CONTINUATIONS:
            messages.append(
                f"„{text[:-1]}-{b[4]}“ ist in einer Tabellenzelle getrennt (bei x={a[0]:.0f} pt, y={a[1]:.0f} pt); "
                "die Spalte ist schmaler als ihr längstes Wort"
            )
    return messages


def check_pdf(pdf: Path) -> tuple[int, list[Defect]]:
    """Number of pages and the defects of one PDF."""
    import pymupdf

    defects = []
    with pymupdf.open(pdf) as doc:
        for number, page in enumerate(doc, start=1):
            rect = page.rect
            words = page.get_text("words", clip=pymupdf.INFINITE_RECT())
            small = [
                span["bbox"]
                for block in page.get_text("dict")["blocks"]
                for line in block.get("lines", [])
                for span in line["spans"]
                if span["size"] <= TABLE_SIZE
            ]
            for message in check_words(words, rect.width, rect.height) + cut_words(words, small):
                defects.append(Defect(pdf, number, message))
        return doc.page_count, defects


def check_tree(root: Path) -> tuple[int, int, list[Defect]]:
    """Check every PDF below root: (number of PDFs, number of pages, defects)."""
    pdfs = sorted(root.rglob("*.pdf")) if root.is_dir() else [root]
    pages, defects = 0, []
    for pdf in pdfs:
        n, found = check_pdf(pdf)
        pages += n
        defects.extend(found)
    return len(pdfs), pages, defects
