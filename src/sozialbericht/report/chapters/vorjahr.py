"""Chapter "Veränderungen gegenüber dem Vorjahresbericht" (``report/kapitel/vorjahr.md``): the Kreis's
values as last year's report published them beside this year's (no chapter without a published
previous year)."""

from __future__ import annotations

from sozialbericht.core import formatting as fmt
from sozialbericht.report.chapters.common import ReportContext

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    prev = c.ctx.get("previous")
    if not prev:
        return
    rows = [_row(c.data.catalogue[r["indicator_id"]], r) for r in prev["rows"] if r["area_id"] == c.kreis]
    c.bericht.tab(
        "vorjahr",
        ["Indikator", f"Bericht {c.year - 1}", f"Bericht {c.year}", "Veränderung"],
        rows,
        f"{c.kreis_name}: Veränderungen gegenüber dem Sozialbericht {c.year - 1}",
    )
    c.bericht.kapitel("vorjahr", berichtigt=prev["revised"])


def _row(entry: dict, r: dict) -> list[str]:
    """Name, value last year and now (each with its date) and the change of one indicator."""

    def show(value, flag, period):
        return f"{fmt.with_unit(value, entry['unit'], entry['decimals'], flag)} ({fmt.date(period)})"

    delta = (
        ""
        if r["value_prev"] is None or r["value_now"] is None
        else fmt.signed(r["value_now"] - r["value_prev"], entry["decimals"])
    )
    return [
        entry["name"],
        show(r["value_prev"], r["flag_prev"], r["period_prev"]),
        show(r["value_now"], r["flag_now"], r["period_now"]),
        delta,
    ]
