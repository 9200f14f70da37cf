"""Chapter "Zusammenfassung" (``report/kapitel/zusammenfassung.md``): the report in a few sentences,
built from the chapters Gemeinden, Prognose, Sozialindex (their values) and Handlungsbedarfe (the
targets it left, ``c.ziele``, and how many findings by which rule); the comparison with the Vergleichskreise and the demand from the
projection (children in Kita age, people in need of care) as ``report.outlook`` reads them."""

from __future__ import annotations

from sozialbericht.report import outlook
from sozialbericht.report.chapters.common import ReportContext

BUILT_FROM: tuple[str, ...] = ("gemeinden", "prognose", "sozialindex", "handlungsbedarfe")


def build(c: ReportContext) -> None:
    for chapter in BUILT_FROM:
        c.left_by(chapter)
    goals, values = c.ziele, c.bericht.values
    vergleich = outlook.comparison(c.data)
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
        vergleich=vergleich.kurz() if vergleich else None,
        bedarf=outlook.demand(c.data),
        hinweise=_findings(values["handlungsbedarfe"]),
    )


def _findings(chapter: dict) -> dict:
    """How many findings the chapter "Handlungsbedarfe" shows, per rule in its order, and how many
    more the rules gave."""
    rules: dict[str, int] = {}
    for finding in chapter.get("befunde", []):
        rules[finding["regel"]] = rules.get(finding["regel"], 0) + 1
    return {"anzahl": sum(rules.values()), "regeln": list(rules.items()), "weitere": chapter.get("weggelassen") or 0}
