"""Chapter "Auf einen Blick" (``report/kapitel/auf-einen-blick.md``): the key figures of the Kreis
beside its Land and Germany. Which figures: the district's own ``auf_einen_blick`` (its
configuration), else the table ``auf-einen-blick`` of the indicator catalogue (``zeigen``). Rows
without a Kreis value are left out; values from synthetic data or a model are labelled. Below the
table, where computed: the indicators outside the middle range of the Vergleichskreise and the
demand from the projection (``report.outlook``)."""

from __future__ import annotations

from sozialbericht.report import outlook
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.values import Indikator

BUILT_FROM: tuple[str, ...] = ()


def key_figures(c: ReportContext) -> list[str]:
    """The indicator ids of the table. ``auf_einen_blick`` of the context is the district's own list
    or, for one release, the deprecated ``report.auf_einen_blick`` of config/config.yaml; without
    either the catalogue decides."""
    return c.ctx.get("auf_einen_blick") or c.rows_of("auf-einen-blick")


def build(c: ReportContext) -> None:
    comparison = [(a, n) for a, n, role in c.areas if role != "district"]
    rows = []
    for ind in key_figures(c):
        kreiswert = Indikator(c.data, ind).kreis if ind in c.data.catalogue else None
        if kreiswert is None or kreiswert.fehlt:
            continue
        synthetisch = bool(c.data.series(ind, c.kreis)["synthetic"].iloc[-1])
        modell = c.data.catalogue[ind].get("method") == "model"
        stand = kreiswert.stand + (" (synthetische Beispieldaten)" if synthetisch else " (Modellrechnung)" if modell else "")
        rows.append([c.data.catalogue[ind]["name"], str(kreiswert), *(c.data.show(ind, a) for a, _ in comparison), stand])
    if not rows:
        return
    c.bericht.tab(
        "auf-einen-blick",
        ["Kennzahl", c.kurz, *(n for _, n in comparison), "Stand"],
        rows,
        f"Kennzahlen {c.kurz} {c.year} im Vergleich",
        align="l" + "r" * (len(c.areas)) + "l",
    )
    vergleich = outlook.comparison(c.data)
    c.bericht.kapitel("auf-einen-blick", vergleich=vergleich.kurz() if vergleich else None, bedarf=outlook.demand(c.data))
