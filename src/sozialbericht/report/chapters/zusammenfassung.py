"""Chapter "Zusammenfassung" (``report/kapitel/zusammenfassung.md``): the report in a few sentences,
built from the chapters Gemeinden, Prognose, Sozialindex (their values) and Handlungsbedarfe (the
targets it left, ``c.ziele``)."""

from __future__ import annotations

from sozialbericht.report.chapters.common import ReportContext

BUILT_FROM: tuple[str, ...] = ("gemeinden", "prognose", "sozialindex", "handlungsbedarfe")


def build(c: ReportContext) -> None:
    for chapter in BUILT_FROM:
        c.left_by(chapter)
    goals, values = c.ziele, c.bericht.values
    c.bericht.kapitel(
        "zusammenfassung",
        veraenderung=c.data.value("bevoelkerung_veraenderung", c.kreis),
        land_veraenderung=c.data.value("bevoelkerung_veraenderung", c.land),
        bund_veraenderung=c.data.value("bevoelkerung_veraenderung", c.bund),
        gemeinden=values["gemeinden"],
        prognose=values.get("prognose"),
        ziele=(len(goals), list(goals[goals.status == "gefährdet"].name)) if len(goals) else None,
        sozialindex=values.get("sozialindex"),
        stadtstaat=c.stadtstaat,
    )
