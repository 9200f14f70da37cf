"""Chapter "Methodik und Quellen" (``report/kapitel/methodik.md``): the methods and the sources,
naming the chapters left out for want of data — built from the chapters whose absence it names;
the weighting and robustness of the social index with the steps of the OECD/JRC handbook it follows,
from what the chapter "Sozialindex" left; the method of the demand from the projection (children
by age band, expected people in need of care, the care rates' source and check), from what the
chapter "Bevölkerungsprognose" left."""

from __future__ import annotations

from sozialbericht.report.chapters.common import ReportContext

#: The chapters that need the district's own data, with their titles as the text names them.
OPTIONAL = {
    "familien": "Familien und Haushalte",
    "existenzsicherung": "Existenzsicherung",
    "beratung": "Beratung",
    "sozialindex": "Sozialindex",
}
BUILT_FROM: tuple[str, ...] = (*OPTIONAL, "prognose")


def build(c: ReportContext) -> None:
    for chapter in BUILT_FROM:
        c.left_by(chapter)
    missing = [title for chapter, title in OPTIONAL.items() if chapter not in c.bericht.values]
    gewichtung = c.bericht.values.get("sozialindex", {}).get("gewichtung")
    c.bericht.kapitel(
        "methodik",
        fehlende_kapitel=missing,
        quellen=list(c.ctx["sources"].values()),
        gewichtung=gewichtung,
        bedarf=c.bericht.values.get("prognose", {}).get("bedarf"),
    )
