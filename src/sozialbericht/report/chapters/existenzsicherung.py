"""Chapter "Existenzsicherung" (``report/kapitel/existenzsicherung.md``): SGB II and child poverty by
Gemeinde and the map of child poverty, from the district's own data (no chapter without them).

The Gemeinden with the lowest and the highest child poverty are named with their flag against
the Kreis value (``significance``): the text says where a difference is not statistically sure,
and the map hatches the Gemeinden that do not differ from the Kreis."""

from __future__ import annotations

from sozialbericht.compute.intervals import HIGHER, LOWER, SIMILAR
from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report import significance
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import short_name

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    # the map and the text are about child poverty (kl_kinderarmut): without it no chapter
    if not (c.own_data and "kl_kinderarmut" in set(c.data.indicators.indicator_id)):
        return
    ids = c.rows_of("existenzsicherung")
    header, rows = c.area_rows(ids, c.year, include_land=False, gemeinden=not c.verbaende)
    c.bericht.tab(
        "existenzsicherung",
        header,
        rows,
        f"SGB II und Kinderarmut am 31.12.{c.year}",
        c.eigene_quelle(f"Jobcenter; Melderegister {c.wort['des']}", f"31.12.{c.year}")
        + c.significance_note(ids, include_land=False),
    )
    g = _child_poverty(c)
    rang = _ranking(c, g)
    if len(g) > 1:
        _map(c, g, rang)
    c.bericht.kapitel(
        "existenzsicherung",
        niedrigste=(rang.niedrigste.name, rang.niedrigste.wert) if rang else None,
        hoechste=(rang.hoechste.name, rang.hoechste.wert) if rang else None,
        rangfolge=rang if rang and rang.mit_intervall else None,
    )


def _child_poverty(c: ReportContext):
    """Child poverty of the Gemeinden in the report year, lowest first (suppressed values left out)."""
    d = c.data.indicators
    return (
        d[(d.indicator_id == "kl_kinderarmut") & (d.period.str[:4] == str(c.year)) & (d.area_level == "gemeinde")]
        .dropna(subset=["value"])
        .sort_values("value")
    )


def _ranking(c: ReportContext, g) -> significance.Rangfolge | None:
    """The Gemeinden's child poverty ranked, with the flags against the Kreis value."""
    flags = {a: c.data.comparison("kl_kinderarmut", a, p) for a, p in zip(g.area_id, g.period)}
    names = {a: short_name(n) for a, n in zip(g.area_id, g.area_name)}
    return significance.ranking(dict(zip(g.area_id, g.value)), flags, names, decimals=1)


def _map(c: ReportContext, g, rang: significance.Rangfolge) -> None:
    vals = g.set_index("area_id")["value"].to_dict()
    similar = {a for a, p in zip(g.area_id, g.period) if c.data.comparison("kl_kinderarmut", a, p) == SIMILAR}
    qs = [float(v) for v in g.value.quantile([0, 0.2, 0.4, 0.6, 0.8, 1]).round(1)]
    qs[0], qs[-1] = qs[0] - 0.05, qs[-1] + 0.05
    syn = " – synthetische Beispieldaten" if c.synthetic else ""
    kreiswert = c.data.show("kl_kinderarmut", c.kreis, g.period.iloc[-1])
    c.bericht.fig(
        "karte-kinderarmut",
        figs.choropleth(
            c.data.geo,
            vals,
            f"Kinderarmut {c.year} in %" + syn,
            "SGB-II-Quote unter 15 Jahren in %",
            sorted(set(qs)),
            labels=c.map_labels,
            outline_id=c.kreis,
            diverging=False,
            similar=similar,
        ),
        f"Karte der Gemeinden {c.ctx['kreis']['name_des']}: Kinderarmut (Leistungsberechtigte nach SGB II unter 15 Jahren je 100 Kinder "
        f"unter 15 Jahren) am 31.12.{c.year}, Klassen nach Quintilen."
        + (
            f" Schraffiert: Gemeinden, deren Kinderarmut sich nicht statistisch gesichert vom Wert {c.wort['des']} "
            f"({kreiswert}) unterscheidet (95-%-Konfidenzintervall)."
            if similar
            else ""
        )
        + " Quelle: Jobcenter und Melderegister"
        + syn
        + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        f"Karte: Die Kinderarmut ist in {rang.hoechste.name} am höchsten ({rang.hoechste.wert} %"
        f"{significance.qualifier(rang.hoechste, HIGHER)}) und in {rang.niedrigste.name} am niedrigsten "
        f"({rang.niedrigste.wert} %{significance.qualifier(rang.niedrigste, LOWER)})"
        + (
            (
                "; schraffiert ist die eine Gemeinde, deren Wert"
                if len(similar) == 1
                else f"; schraffiert sind die {fmt.number(len(similar))} Gemeinden, deren Wert"
            )
            + f" sich nicht gesichert vom Wert {c.wort['des']} ({kreiswert}) unterscheidet"
            if similar
            else ""
        )
        + (" (synthetische Beispieldaten)." if c.synthetic else "."),
    )
