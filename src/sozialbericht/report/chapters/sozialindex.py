"""Chapter "Sozialindex" (``report/kapitel/sozialindex.md``): the social index of the Gemeinden
(status and dynamics, after the Berlin Monitoring Soziale Stadtentwicklung) as a map and a table.
Leaves the index table in the context (``c.sozialindex``, empty without own data) for the chapters
built from it (Handlungsbedarfe)."""

from __future__ import annotations

from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list, sort_key

BUILT_FROM: tuple[str, ...] = ()


def build(c: ReportContext) -> None:
    index = c.data.table("sozialindex")
    c.sozialindex = index
    if not len(index):
        return
    cfg = c.ctx["planning"]["social_index"]
    _map(c, index)
    rows = [
        [
            c.gemeinden.get(r.area_id, r.area_id),
            fmt.number(r.status_index, 2),
            r.status,
            fmt.number(r.dynamik_index, 2),
            r.dynamik,
            f"Gruppe {int(r.gruppe)}",
        ]
        for r in index.sort_values("status_index", ascending=False).itertuples()
    ]
    excluded = c.data.table("sozialindex_ausgeschlossen")
    c.bericht.tab(
        "sozialindex",
        ["Gemeinde", "Statusindex", "Status", "Dynamikindex", "Dynamik", "Gruppe"],
        rows,
        f"Sozialindex der Gemeinden {c.year} (absteigend nach Statusindex)",
        c.eigene_quelle("eigene Berechnung aus Jobcenter-, BA- und Melderegisterdaten", str(c.year)),
        align="lrlrlr",
    )
    need = index[index["status"].isin(["niedrig", "sehr niedrig"])].sort_values("status_index", ascending=False)
    c.bericht.kapitel(
        "sozialindex",
        cfg=cfg,
        ausgeschlossen=[c.gemeinden.get(a, a) for a in excluded.get("area_id", [])],
        bedarf=[(c.gemeinden.get(r.area_id, r.area_id), r.status, r.dynamik) for r in need.itertuples()],
        grenzen={k: [fmt.number(v, 1) for v in cfg[k]] for k in ("status_bounds", "dynamic_bounds")},
        mindest=fmt.number(cfg["min_population"]),
    )


def _map(c: ReportContext, index) -> None:
    classes = {a: (r.status, r.dynamik) for a, r in index.set_index("area_id").iterrows()}
    c.bericht.fig(
        "karte-sozialindex",
        figs.social_index_map(
            c.data.geo,
            classes,
            f"Sozialindex {c.year}" + (" – synthetische Beispieldaten" if c.synthetic else ""),
            labels=c.map_labels,
            outline_id=c.kreis,
        ),
        f"Karte der Gemeinden {c.ctx['kreis']['name_des']}: Gruppen des Sozialindex {c.year} – Farbe: Status, Schraffur: Dynamik. "
        "Quelle: eigene Berechnung"
        + (" aus synthetischen Beispieldaten" if c.synthetic else "")
        + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        "Karte: "
        + "; ".join(
            f"Status {s}: "
            + german_list(sorted((c.gemeinden.get(a, a) for a, cl in classes.items() if cl[0] == s), key=sort_key))
            for s in ["sehr niedrig", "niedrig"]
            if any(cl[0] == s for cl in classes.values())
        )
        + (" (synthetische Beispieldaten)." if c.synthetic else "."),
    )
