"""Chapter "Stellungnahmen" (``report/kapitel/stellungnahmen.md``): the statements of providers or
of the Kreisarbeitsgemeinschaft der freien Wohlfahrtspflege that the district names
(``texte.stellungnahmen``), verbatim with author and date. No chapter without statements."""

from __future__ import annotations

from pathlib import Path

from sozialbericht.core import formatting as fmt
from sozialbericht.core.errors import InputError
from sozialbericht.core.untrusted import read_outside_text, safe_markdown
from sozialbericht.report.chapters.common import ReportContext

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    statements = c.texte.get("stellungnahmen")
    if statements:
        c.bericht.kapitel("stellungnahmen", stellungnahmen=[statement(s) for s in statements])


def statement(spec: dict) -> dict:
    """A statement verbatim (no placeholders) in the safe subset of Markdown
    (:func:`untrusted.safe_markdown`): its headings become level 4, below the statement's own heading."""
    path = Path(spec["datei"])
    if not path.exists():
        raise InputError(
            path, "Stellungnahme nicht gefunden", hint="den Pfad unter texte.stellungnahmen in der Kreiskonfiguration prüfen"
        )
    text = safe_markdown(read_outside_text(path), path)
    return {"von": spec["von"], "datum": fmt.date(spec["datum"]), "text": text}
