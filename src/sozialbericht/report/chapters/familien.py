"""Chapter "Familien und Haushalte" (``report/kapitel/familien.md``): births, SGB II households with
children and single parents by Gemeinde, from the district's own data (no chapter without them)."""

from __future__ import annotations

from sozialbericht.report.chapters.common import ReportContext

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    # the text speaks of the births (kl_geburten): without them the chapter is left out
    if not (c.own_data and "kl_geburten" in set(c.data.indicators.indicator_id)):
        return
    ids = c.rows_of("familien")
    header, rows = c.area_rows(ids, c.year, include_land=False, gemeinden=not c.verbaende)
    c.bericht.tab(
        "familien",
        header,
        rows,
        f"Geburten, Bedarfsgemeinschaften mit Kindern und Alleinerziehende {c.year}",
        c.eigene_quelle(f"Melderegister {c.wort['des']}; Jobcenter", str(c.year))
        + " Zahlen unter 3 sind durch `.` ersetzt (Geheimhaltung)."
        + c.significance_note(ids, include_land=False),
    )
    c.bericht.kapitel("familien")
