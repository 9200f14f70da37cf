"""Chapter "Methodik und Quellen" (``report/kapitel/methodik.md``): the methods and the sources,
naming the chapters left out for want of data — built from the chapters whose absence it names;
the weighting and robustness of the social index with the steps of the OECD/JRC handbook it follows,
from what the chapter "Sozialindex" left; the intervals of the small-area rates and how the report
shows their comparison with the Kreis value, with the counts of this report; the method of the
demand from the projection (children by age band, expected people in need of care, the care
rates' source and check), from what the chapter "Bevölkerungsprognose" left; the method of the
Vergleichskreise where the report has them."""

from __future__ import annotations

from sozialbericht.compute.intervals import HIGHER, LOWER, SIMILAR, SMALL_AREA_LEVELS
from sozialbericht.report import outlook
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
    vergleich = outlook.comparison(c.data)
    c.bericht.kapitel(
        "methodik",
        fehlende_kapitel=missing,
        quellen=list(c.ctx["sources"].values()),
        gewichtung=gewichtung,
        intervalle=_intervals(c),
        bedarf=c.bericht.values.get("prognose", {}).get("bedarf"),
        vergleichskreise={"anzahl_wort": outlook.number_word(vergleich.anzahl), "eigene": vergleich.eigene}
        if vergleich
        else None,
    )


def _intervals(c: ReportContext) -> dict | None:
    """How many small-area values have an interval and how they compare with the Kreis value
    (the ``comparison`` of ``indikatoren.csv``); None without any."""
    d = c.data.indicators
    if "comparison" not in d.columns:
        return None
    flags = d.loc[d["area_level"].isin(SMALL_AREA_LEVELS), ["area_level", "comparison"]]
    flags = flags[flags["comparison"].isin((HIGHER, SIMILAR, LOWER))]
    if not len(flags):
        return None
    counts = flags["comparison"].value_counts()
    return {
        "anzahl": len(flags),
        "hoeher": int(counts.get(HIGHER, 0)),
        "aehnlich": int(counts.get(SIMILAR, 0)),
        "niedriger": int(counts.get(LOWER, 0)),
        "sozialraeume": bool((flags["area_level"] == "sozialraum").any()),
    }
