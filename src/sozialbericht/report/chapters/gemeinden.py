"""Chapter "Gemeinden im Vergleich" (``report/kapitel/gemeinden.md``): the Gemeinden's population
over the GV-ISys directories on today's territory, its change as a map, the territorial changes,
and the Zensus 2022 against the Fortschreibung. Uninhabited gemeindefreie Gebiete stand in the
tables but are no Gemeinden in any count (``bewohnt``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import short_name
from sozialbericht.report.values import Indikator

BUILT_FROM: tuple[str, ...] = ()

#: More territorial changes than this: a table instead of sentences.
LONG_LIST = 5
#: The census date; a Fortschreibung before it is compared with the census.
ZENSUS = "2022-05-15"


def build(c: ReportContext) -> None:
    gp = c.ctx["gemeinde_periods"]
    first_g, last_g = gp[0], gp[-1]
    g = c.data.indicators[c.data.indicators.area_level == "gemeinde"]
    bewohnt = [a for a in c.gemeinden if c.data.value("gem_bevoelkerung", a, last_g) != 0]
    change_g = g[(g.indicator_id == "gem_bevoelkerung_veraenderung") & (g.period == last_g)].set_index("area_id")["value"]
    change_g = change_g[change_g.index.isin(bewohnt)].dropna()
    # the Zensus 2022 lies inside the Gemeinde series: its changes include the census's correction
    zensus_in_reihe = first_g < ZENSUS and last_g >= "2022-12-31"
    changes = c.ctx["territorial_changes"]
    merged = [ch for ch in changes if ch["kind"] != "Schlüsseländerung"]
    if len(merged) > LONG_LIST:  # beyond a few changes a table, and one sentence in the text
        _changes_table(c, merged, gp)
    if len(c.gemeinden) > 1:
        _map(c, change_g, bewohnt, first_g, last_g, zensus_in_reihe)
        _population_tables(c, gp, bewohnt)
    z = g[g.indicator_id == "gem_zensus_abweichung"].dropna(subset=["value"]).sort_values("value")
    if len(z):
        _census_table(c, gp)
    reformen = c.ctx["kreis"].get("kreisreformen") or {}
    c.bericht.kapitel(
        "gemeinden",
        anzahl=len(bewohnt),
        gemeindefrei=len(c.gemeinden) - len(bewohnt),
        zensus_in_reihe=zensus_in_reihe,
        reformen={
            "aufgenommen": [{"der": r["kurz"], "den": r["kurz"], **r} for r in reformen.get("aufgenommen", [])],
            "aufgegangen_in": reformen.get("aufgegangen_in", []),
        },
        verbaende=len(c.verbaende),
        erstes=fmt.date(first_g),
        letztes=fmt.date(last_g),
        aenderungen=changes,
        lange_liste=len(merged) > LONG_LIST,
        aufnehmende=len({ch["to"] for ch in merged}),
        unsicher=[ch for ch in changes if not ch["certain"]],
        zensus=(
            short_name(z.area_name.iloc[0]),
            fmt.signed(z.value.iloc[0]),
            short_name(z.area_name.iloc[-1]),
            fmt.signed(z.value.iloc[-1]),
        )
        if len(z)
        else None,
        zensus_kreis=Indikator(c.data, "gem_zensus_abweichung").gebiet(c.kreis, ZENSUS) or None,
        bev=(
            fmt.number(c.data.value("gem_bevoelkerung", c.kreis, first_g)),
            fmt.number(c.data.value("gem_bevoelkerung", c.kreis, last_g)),
        ),
        staerkste=fmt.extremes(
            c.gemeinden.get(change_g.idxmax(), ""), change_g.max(), c.gemeinden.get(change_g.idxmin(), ""), change_g.min()
        )
        if len(c.gemeinden) > 1 and len(change_g)
        else None,
    )


def _when(change: dict) -> str:
    if change.get("date"):
        return fmt.date(change["date"])
    if change.get("between"):
        return f"{fmt.date(change['between'][0])} – {fmt.date(change['between'][1])}"
    return "–"


def _changes_table(c: ReportContext, merged: list[dict], gp: list[str]) -> None:
    c.bericht.tab(
        "gebietsaenderungen",
        ["Frühere Gemeinde", "aufgegangen in", "Zeitpunkt", "Art", "Einwohner zuletzt", "Stichtag"],
        [
            [
                short_name(ch["name"]),
                short_name(ch["to_name"]),
                _when(ch),
                ch["kind"],
                fmt.number(ch.get("einwohner")) if ch.get("einwohner") is not None else "–",
                fmt.date(ch["stand"]) if ch.get("stand") else "–",
            ]
            for ch in merged
        ],
        f"Gebietsänderungen der Gemeinden seit dem {fmt.date(gp[0])}",
        c.quelle("gemeindeverzeichnis"),
        align="llllrl",
    )


def _map(c: ReportContext, change_g: pd.Series, bewohnt: list[str], first_g: str, last_g: str, zensus_in_reihe: bool) -> None:
    lim = max(5.0, float(np.ceil(change_g.abs().max() / 5) * 5))
    bins = [-lim, -lim / 2, -lim / 5, 0, lim / 5, lim / 2, lim]
    ranked = change_g.sort_values()
    c.bericht.fig(
        "karte-bevoelkerungsveraenderung",
        figs.choropleth(
            c.data.geo,
            change_g.to_dict(),
            f"Bevölkerungsveränderung {first_g[:4]}–{last_g[:4]} in %",
            "Veränderung in %",
            bins,
            labels=c.map_labels,
            outline_id=c.kreis,
        ),
        f"Karte der Gemeinden {c.ctx['kreis']['name_des']}: Bevölkerungsveränderung vom {fmt.date(first_g)} bis {fmt.date(last_g)} "
        f"in Prozent, Gebietsstand {fmt.date(last_g)}. "
        + ("Die Veränderung enthält die Neuberechnung der Einwohnerzahlen durch den Zensus 2022. " if zensus_in_reihe else "")
        + "Quellen: GV-ISys, © Statistisches Bundesamt (Destatis); Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        f"Karte: {len(bewohnt)} Gemeinden; "
        f"{fmt.extremes(c.gemeinden.get(ranked.index[-1], ''), ranked.iloc[-1], c.gemeinden.get(ranked.index[0], ''), ranked.iloc[0])}.",
    )


def _population_tables(c: ReportContext, gp: list[str], bewohnt: list[str]) -> None:
    """Population by Gemeinde (or Gemeindeverband, then every Gemeinde in a table of its own)."""
    first_g, last_g = gp[0], gp[-1]
    units = c.verbaende if c.verbaende else c.gemeinden
    rows = [
        [
            name,
            *(c.cell("gem_bevoelkerung", a, p) for p in gp),
            c.cell("gem_bevoelkerung_veraenderung", a, last_g),
            c.cell("gem_bevoelkerungsdichte", a, last_g),
            c.cell("gem_geschlechterverhaeltnis", a, last_g),
        ]
        for a, name in units.items()
    ]
    rows.append([bold(c.kurz), *(bold(fmt.number(c.data.value("gem_bevoelkerung", c.kreis, p))) for p in gp), "", "", ""])
    stand = c.quelle("gemeindeverzeichnis", stand=", ".join(fmt.date(p) for p in gp))
    c.bericht.tab(
        "gemeinden-bevoelkerung",
        [
            ("Gemeindeverband" if c.verbaende else "Gemeinde"),
            *(p[:4] for p in gp),
            f"Veränd. {first_g[:4]}–{last_g[:4]} in %",
            "EW/km²",
            "Männer je 100 Frauen",
        ],
        rows,
        f"Bevölkerung der {'Gemeindeverbände' if c.verbaende else 'Gemeinden'} am 31.12., Gebietsstand {fmt.date(last_g)}",
        stand,
    )
    if c.verbaende:
        rows = [
            [name, *(c.cell("gem_bevoelkerung", a, p) for p in gp), c.cell("gem_bevoelkerung_veraenderung", a, last_g)]
            for a, name in c.gemeinden.items()
        ]
        c.bericht.tab(
            "gemeinden-alle",
            ["Gemeinde", *(p[:4] for p in gp), f"Veränd. {first_g[:4]}–{last_g[:4]} in %"],
            rows,
            f"Bevölkerung aller {len(bewohnt)} Gemeinden"
            + (" und der gemeindefreien Gebiete ohne Einwohner" if len(c.gemeinden) > len(bewohnt) else "")
            + f" am 31.12., Gebietsstand {fmt.date(last_g)}",
            stand,
        )


def _census_table(c: ReportContext, gp: list[str]) -> None:
    """The census against the last Fortschreibung before it, where there is one to compare with."""
    units = c.verbaende if c.verbaende else c.gemeinden
    fortschreibung = next((p for p in reversed(gp) if p < ZENSUS), None)
    if len(units) <= 1 or not fortschreibung:
        return
    rows = [
        [name, c.cell("gem_bevoelkerung", a, fortschreibung), c.cell("gem_zensus_abweichung", a, ZENSUS)]
        for a, name in units.items()
    ]
    c.bericht.tab(
        "zensus",
        [
            ("Gemeindeverband" if c.verbaende else "Gemeinde"),
            f"Fortschreibung {fmt.date(fortschreibung)}",
            "Abweichung Zensus 15.05.2022 in %",
        ],
        rows,
        "Zensus 2022 und fortgeschriebene Bevölkerung",
        c.quelle("zensus2022", "gemeindeverzeichnis", stand=f"15.05.2022 und {fmt.date(fortschreibung)}"),
    )
