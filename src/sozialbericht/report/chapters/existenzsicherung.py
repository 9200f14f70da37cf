"""Chapter "Existenzsicherung" (``report/kapitel/existenzsicherung.md``): SGB II and child poverty by
Gemeinde and the map of child poverty, from the district's own data (no chapter without them)."""

from __future__ import annotations

from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import short_name

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    # the map and the text are about child poverty (kl_kinderarmut): without it no chapter
    if not (c.own_data and "kl_kinderarmut" in set(c.data.indicators.indicator_id)):
        return
    header, rows = c.area_rows(c.rows_of("existenzsicherung"), c.year, include_land=False, gemeinden=not c.verbaende)
    c.bericht.tab(
        "existenzsicherung",
        header,
        rows,
        f"SGB II und Kinderarmut am 31.12.{c.year}",
        c.eigene_quelle(f"Jobcenter; Melderegister {c.wort['des']}", f"31.12.{c.year}"),
    )
    g = _child_poverty(c)
    if len(g) > 1:
        _map(c, g)
    c.bericht.kapitel(
        "existenzsicherung",
        niedrigste=(short_name(g.area_name.iloc[0]), fmt.number(g.value.iloc[0], 1)) if len(g) else None,
        hoechste=(short_name(g.area_name.iloc[-1]), fmt.number(g.value.iloc[-1], 1)) if len(g) else None,
    )


def _child_poverty(c: ReportContext):
    """Child poverty of the Gemeinden in the report year, lowest first (suppressed values left out)."""
    d = c.data.indicators
    return (
        d[(d.indicator_id == "kl_kinderarmut") & (d.period.str[:4] == str(c.year)) & (d.area_level == "gemeinde")]
        .dropna(subset=["value"])
        .sort_values("value")
    )


def _map(c: ReportContext, g) -> None:
    vals = g.set_index("area_id")["value"].to_dict()
    qs = [float(v) for v in g.value.quantile([0, 0.2, 0.4, 0.6, 0.8, 1]).round(1)]
    qs[0], qs[-1] = qs[0] - 0.05, qs[-1] + 0.05
    syn = " – synthetische Beispieldaten" if c.synthetic else ""
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
        ),
        f"Karte der Gemeinden {c.ctx['kreis']['name_des']}: Kinderarmut (Leistungsberechtigte nach SGB II unter 15 Jahren je 100 Kinder "
        f"unter 15 Jahren) am 31.12.{c.year}, Klassen nach Quintilen. Quelle: Jobcenter und Melderegister"
        + syn
        + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        f"Karte: Die Kinderarmut ist in {short_name(g.area_name.iloc[-1])} am höchsten ({fmt.number(g.value.iloc[-1], 1)} %) und in "
        f"{short_name(g.area_name.iloc[0])} am niedrigsten ({fmt.number(g.value.iloc[0], 1)} %)"
        + (" (synthetische Beispieldaten)." if c.synthetic else "."),
    )
