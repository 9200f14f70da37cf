"""Chapter "Anhang" (``report/kapitel/anhang.md``): an indicator sheet for every indicator of the
catalogue with values, the Sozialräume, the data-quality hints, the providers left out, the
disclosure rule and the lists of figures and tables — built from the chapters Gemeinden and
Bevölkerungsprognose (whether they printed every Gemeinde in a table of their own)."""

from __future__ import annotations

from sozialbericht.compute.intervals import interval_kind
from sozialbericht.core import formatting as fmt
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list, sort_key

BUILT_FROM: tuple[str, ...] = ("gemeinden", "prognose")

#: How to read an indicator's direction.
LESART = {
    "higher_is_worse": "höherer Wert = ungünstiger",
    "higher_is_better": "höherer Wert = günstiger",
    "context": "keine Wertung (Kontext)",
}


def build(c: ReportContext) -> None:
    c.left_by("gemeinden")
    c.left_by("prognose")
    sozialraeume = [
        (v["name"], german_list(sorted((c.gemeinden.get(x, x) for x in v["gemeinden"]), key=sort_key)))
        for v in c.ctx.get("sozialraeume", {}).values()
    ]
    c.bericht.kapitel(
        "anhang",
        blaetter=_sheets(c),
        sozialraeume=sozialraeume,
        hinweise=[w for ws in c.ctx.get("data_quality", {}).values() for w in ws],
        abgelehnt=[t["name"] for t in (c.ctx.get("beratung_traeger") or {}).get("traeger", []) if t["status"] != "ok"],
        mindestzahl=c.ctx["disclosure"]["min_count"],
        gemeindetabelle="gemeinden-alle" in c.bericht.tables,
        kindertabelle="prognose-kinder-alle" in c.bericht.tables,
        kurz=c.kurz,  # "Ansbach (Landkreis): 2,8 %" beside the city of the same name
    )


def _sheets(c: ReportContext) -> list[dict]:
    """One sheet per catalogue indicator that has values: definition, unit, source, how to read it,
    the minimum population of its rates, date and the values of Kreis, Land and Germany."""
    sheets = []
    for entry in c.ctx["catalogue"]:
        series = c.data.series(entry["id"], c.kreis)
        if not len(series) and not len(c.data.indicators[c.data.indicators.indicator_id == entry["id"]]):
            continue
        period = series["period"].max() if len(series) else ""
        sheets.append(
            {
                "name": entry["name"],
                # the catalogue speaks of "des Kreises"; a city's report of "der Stadt"
                "definition": entry["definition"].replace("des Kreises", c.wort["des"]),
                "einheit": entry["unit"],
                "quelle": entry["source"].replace("des Kreises", c.wort["des"]),
                "lesart": LESART[entry["direction"]],
                "mindest": fmt.number(entry["min_population"]) if entry.get("min_population") else None,
                # the interval of its small-area values, where they are compared with the Kreis
                "intervall": interval_kind(entry) if c.data.compared(entry["id"]) else "",
                "stand": fmt.date(period) if period else None,
                # a projected value: the one of the target year, not a current one
                "prognose": entry.get("model") in ("projection", "demand"),
                "kreis": c.data.show(entry["id"], c.kreis),
                "land": c.data.show(entry["id"], c.land)
                if len(c.data.series(entry["id"], c.land)) and not c.stadtstaat
                else None,
                "bund": c.data.show(entry["id"], c.bund) if len(c.data.series(entry["id"], c.bund)) else None,
                # the Kreis's own value where it has one (its projection rests on official data only)
                "synthetisch": bool(series["synthetic"].iloc[-1]) if len(series) else entry["id"] in c.data.synthetic,
            }
        )
    return sheets
