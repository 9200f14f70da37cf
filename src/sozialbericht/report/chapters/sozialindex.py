"""Chapter "Sozialindex" (``report/kapitel/sozialindex.md``): the social index of the Gemeinden
(status and dynamics, after the Berlin Monitoring Soziale Stadtentwicklung) as a map and a table,
its weights (equal, each participant's, the consensus, the effective weights) and how robust every
status class is (median rank, 5–95 % rank interval, share of draws keeping the class; a figure of
the rank intervals; "unsicher" marked in the map and the tables). Leaves the index table, with the
robustness of every class, in the context (``c.sozialindex``, empty without own data) for the
chapters built from it (Handlungsbedarfe, Methodik)."""

from __future__ import annotations

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import index_figures
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list, sort_key
from sozialbericht.report.weighting import (
    RULES,
    Weighting,
    interval_text,
    participant_labels,
    rank_text,
    refused,
    spearman_text,
)

BUILT_FROM: tuple[str, ...] = ()
#: The defaults of ``social_index.gewichtung`` (config/config.yaml) where a configuration has none.
DEFAULTS = {"regel": "median", "ziehungen": 1000, "seed": 1, "streuung": 0.25, "unsicher_ab": 0.2}


def build(c: ReportContext) -> None:
    index = c.data.table("sozialindex")
    c.sozialindex = index
    if not len(index):
        return
    cfg = c.ctx["planning"]["social_index"]
    options = {**DEFAULTS, **cfg.get("gewichtung", {})}
    weighting = Weighting.read(c.data.folder)
    if weighting.available:
        robust = weighting.robustness.set_index("area_id")[
            ["rang", "rang_median", "rang_p05", "rang_p95", "anteil_klasse_gehalten", "unsicher"]
        ]
        index = index.join(robust, on="area_id")
        c.sozialindex = index
    unsure = set(index.loc[index["unsicher"].eq(True), "area_id"]) if "unsicher" in index else set()
    _map(c, index, unsure)
    _index_table(c, index, unsure)
    excluded = c.data.table("sozialindex_ausgeschlossen")
    need = index[index["status"].isin(["niedrig", "sehr niedrig"])].sort_values("status_index", ascending=False)
    values = {
        "cfg": cfg,
        "ausgeschlossen": [c.gemeinden.get(a, a) for a in excluded.get("area_id", [])],
        "bedarf": [(c.gemeinden.get(r.area_id, r.area_id), r.status, r.dynamik) for r in need.itertuples()],
        "grenzen": {k: [fmt.number(v, 1) for v in cfg[k]] for k in ("status_bounds", "dynamic_bounds")},
        "mindest": fmt.number(cfg["min_population"]),
        "gewichtung": None,
        "unsicher": sorted((_name(c, a) for a in unsure), key=sort_key),  # status classes marked "unsicher"
    }
    if weighting.available:
        values["gewichtung"] = _weighting(c, weighting, index, options)
    c.bericht.kapitel("sozialindex", **values)


def _name(c: ReportContext, area: str) -> str:
    return c.gemeinden.get(area, area)


def _index_table(c: ReportContext, index: pd.DataFrame, unsure: set[str]) -> None:
    rows = [
        [
            _name(c, r.area_id),
            fmt.number(r.status_index, 2),
            r.status + (" (unsicher)" if r.area_id in unsure else ""),
            fmt.number(r.dynamik_index, 2),
            r.dynamik,
            f"Gruppe {int(r.gruppe)}",
        ]
        for r in index.sort_values("status_index", ascending=False).itertuples()
    ]
    c.bericht.tab(
        "sozialindex",
        ["Gemeinde", "Statusindex", "Status", "Dynamikindex", "Dynamik", "Gruppe"],
        rows,
        f"Sozialindex der Gemeinden {c.year} (absteigend nach Statusindex)"
        + ("; „unsicher“: die Statusklasse hängt von Gewichten und Methode ab" if unsure else ""),
        c.eigene_quelle("eigene Berechnung aus Jobcenter-, BA- und Melderegisterdaten", str(c.year)),
        align="lrlrlr",
    )


def _weighting(c: ReportContext, w: Weighting, index: pd.DataFrame, options: dict) -> dict:
    """The weights table, the robustness table and figure, and the values of their sentences."""
    _weights_table(c, w, options)
    robust = index.dropna(subset=["rang"]).sort_values(["rang", "area_id"])
    _robustness_table(c, robust)
    _rank_figure(c, robust, int(options["ziehungen"]))
    labels = participant_labels(c.ctx)
    unsure = robust[robust["unsicher"].eq(True)]
    return {
        "beteiligte": [labels.get(k, k) for k in w.participants],
        "abgelehnt": refused(c.ctx),
        "regel": RULES.get(options["regel"], options["regel"]),
        "spearman": spearman_text(w.spearman),
        "wechsel": [{"name": _name(c, r.area_id), "gleich": r.klasse_a, "konsens": r.klasse_b} for r in w.changes().itertuples()],
        "ziehungen": fmt.number(options["ziehungen"]),
        "seed": str(options["seed"]),
        "streuung": fmt.number(float(options["streuung"]) * 100),
        "schwelle": fmt.number(float(options["unsicher_ab"]) * 100),
        "gehalten": fmt.number((1 - float(options["unsicher_ab"])) * 100),
        "gesamt": len(robust),
        "sicher": len(robust) - len(unsure),
        "unsicher": [
            {"name": _name(c, r.area_id), "klasse": r.status, "anteil": fmt.number(r.anteil_klasse_gehalten * 100)}
            for r in unsure.itertuples()
        ],
    }


def _weights_table(c: ReportContext, w: Weighting, options: dict) -> None:
    ids = list(w.weights["indicator_id"])
    rows = []
    for kind, label, values in w.weight_rows(participant_labels(c.ctx), options["regel"]):
        cells = [fmt.number(v, 1) for v in values]
        rows.append([bold(label), *(bold(x) for x in cells)] if kind == "konsens" else [label, *cells])
    c.bericht.tab(
        "sozialindex-gewichte",
        ["Gewichtung", *(c.data.catalogue[i]["name"] for i in ids)],
        rows,
        f"Gewichte der Statusindikatoren im Sozialindex {c.year} in %",
        "*Quelle: "
        + ("Arbeitsmappen der Beteiligten; " if w.participants else "")
        + "eigene Berechnung. Effektives Gewicht: Anteil der quadrierten Korrelation des Indikators mit dem Index.*"
        + (" **Synthetische Beispieldaten** (kein amtliches Ergebnis)." if c.synthetic else ""),
        align="l" + "r" * len(ids),
    )


def _robustness_table(c: ReportContext, robust: pd.DataFrame) -> None:
    rows = [
        [
            _name(c, r.area_id),
            r.status,
            rank_text(r.rang),
            rank_text(r.rang_median),
            interval_text(r.rang_p05, r.rang_p95),
            fmt.number(r.anteil_klasse_gehalten * 100),
            bold("unsicher") if r.unsicher else "sicher",
        ]
        for r in robust.itertuples()
    ]
    c.bericht.tab(
        "sozialindex-robustheit",
        ["Gemeinde", "Status", "Rang", "Median-Rang", "Rangintervall 5–95 %", "Klasse gehalten in %", "Einstufung"],
        rows,
        f"Robustheit der Statusklassen {c.year}: Ränge und gehaltene Klasse über alle Varianten",
        c.eigene_quelle("eigene Berechnung (Unsicherheitsanalyse des Sozialindex)", str(c.year)),
        align="llrrrrl",
    )


def _rank_figure(c: ReportContext, robust: pd.DataFrame, draws: int) -> None:
    frame = robust.assign(label=[_name(c, a) for a in robust["area_id"]], unsicher=robust["unsicher"].eq(True))
    unsure = sorted(frame.loc[frame["unsicher"], "label"], key=sort_key)
    widest = frame.assign(width=frame["rang_p95"] - frame["rang_p05"]).sort_values("width", ascending=False).iloc[0]
    c.bericht.fig(
        "rangintervalle-sozialindex",
        index_figures.rank_intervals(
            frame, f"Rangintervalle im Statusindex {c.year}" + (" – synthetische Beispieldaten" if c.synthetic else ""), draws
        ),
        f"Rang jeder Gemeinde im Statusindex {c.year} über {fmt.number(draws)} Varianten (Gewichte, Standardisierung, "
        "ausgelassener Indikator): Median und 5–95-%-Intervall. Quelle: eigene Berechnung"
        + (" aus synthetischen Beispieldaten" if c.synthetic else "")
        + ".",
        f"Diagramm: Rangintervalle der {len(frame)} Gemeinden; breitestes Intervall: {widest['label']} "
        f"(Rang {interval_text(widest['rang_p05'], widest['rang_p95'])}); "
        + (f"Statusklasse unsicher: {german_list(unsure)}" if unsure else "alle Statusklassen sicher")
        + (" (synthetische Beispieldaten)." if c.synthetic else "."),
    )


def _map(c: ReportContext, index: pd.DataFrame, unsure: set[str]) -> None:
    classes = {a: (r.status, r.dynamik) for a, r in index.set_index("area_id").iterrows()}
    c.bericht.fig(
        "karte-sozialindex",
        index_figures.social_index_map(
            c.data.geo,
            classes,
            f"Sozialindex {c.year}" + (" – synthetische Beispieldaten" if c.synthetic else ""),
            labels=c.map_labels,
            outline_id=c.kreis,
            unsure=unsure,
        ),
        f"Karte der Gemeinden {c.ctx['kreis']['name_des']}: Gruppen des Sozialindex {c.year} – Farbe: Status, Schraffur: Dynamik"
        + (", gestrichelter Rand: Statusklasse unsicher" if unsure else "")
        + ". Quelle: eigene Berechnung"
        + (" aus synthetischen Beispieldaten" if c.synthetic else "")
        + "; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert).",
        "Karte: "
        + "; ".join(
            f"Status {s}: " + german_list(sorted((_name(c, a) for a, cl in classes.items() if cl[0] == s), key=sort_key))
            for s in ["sehr niedrig", "niedrig"]
            if any(cl[0] == s for cl in classes.values())
        )
        + (f"; Statusklasse unsicher: {german_list(sorted((_name(c, a) for a in unsure), key=sort_key))}" if unsure else "")
        + (" (synthetische Beispieldaten)." if c.synthetic else "."),
    )
