"""Chapter "Pflege" (``report/kapitel/pflege.md``): people in need of care (SGB XI) at every date of
the biennial care statistics, for the Kreis, its Land and Germany, and the care rate over time."""

from __future__ import annotations

from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    periods = c.ctx["periods"]["pflege"]["all"]
    ids = c.rows_of("pflege")
    rows = [
        [c.data.catalogue[i]["name"] if a == c.kreis else "", name, *(c.data.show(i, a, p) for p in periods)]
        for i in ids
        for a, name, _ in c.areas
    ]
    c.bericht.tab(
        "pflege",
        ["Indikator", "Gebiet", *(fmt.date(p) for p in periods)],
        rows,
        "Pflegebedürftige nach SGB XI",
        c.quelle(*c.datasets_of(ids), stand=", ".join(fmt.date(p) for p in periods)),
        align="ll" + "r" * len(periods),
    )
    s = c.series_frame("pflegequote")
    c.bericht.fig(
        "pflegequote",
        figs.trend_lines(s, "Pflegebedürftige je 1.000 Einwohner", "je 1.000 Einwohner"),
        f"Pflegebedürftige je 1.000 Einwohner {fmt.date(periods[0])}–{fmt.date(periods[-1])}: {german_list(c.area_names())}. "
        + c.quelle("pflege", "bevoelkerung_alter").strip("*"),
        f"Liniendiagramm: Je 1.000 Einwohner waren {c.ctx['kreis']['name_in']} zuletzt "
        f"{fmt.number(s[s.role == 'district'].value.iloc[-1], 1)} "
        f"Menschen pflegebedürftig, in Deutschland {fmt.number(s[s.role == 'bund'].value.iloc[-1], 1)}.",
    )
    c.bericht.kapitel("pflege", stand=fmt.date(c.stand["pflege"]))
