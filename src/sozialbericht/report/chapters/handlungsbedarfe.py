"""Chapter "Handlungsbedarfe" (``report/kapitel/handlungsbedarfe.md``): the findings of the rules in
``handlungsbedarfe`` of config/config.yaml (``report.findings``: targets at risk, demand from the
projection, significant small-area differences, the Kreis outside its Vergleichskreise'
interquartile range, against its Land's trend), each with its numbers and source; the planning
targets of the district with their status; and the Gemeinden with need for action by the social
index, robust findings first and unsure status classes marked — built from the chapter
"Sozialindex" (its table ``c.sozialindex``). Leaves the targets in the context (``c.ziele``) for
the Zusammenfassung."""

from __future__ import annotations

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import significance
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.findings import findings, rules_for_text
from sozialbericht.report.names import german_list

BUILT_FROM: tuple[str, ...] = ("sozialindex",)

#: The traffic light of a target's status.
LIGHT = {"erreicht": "erreicht (grün)", "auf Kurs": "auf Kurs (gelb)", "gefährdet": bold("gefährdet (rot)")}


def build(c: ReportContext) -> None:
    c.left_by("sozialindex")
    goals = c.data.table("ziele")
    c.ziele = goals
    if len(goals):
        _targets_table(c, goals)
    index = c.sozialindex
    rules = c.ctx["planning"].get("handlungsbedarfe") or {}
    found, left_out = findings(c, rules)
    c.befunde = found
    c.bericht.kapitel(
        "handlungsbedarfe",
        befunde=[f.fuer_text() for f in found],
        weggelassen=left_out,
        regeln=rules_for_text(c, rules),
        hoechstens=rules.get("hoechstens"),
        bezug={"im": "in Deutschland", "name": "Deutschland"} if c.stadtstaat else {"im": c.land_in, "name": c.land_name},
        ziele=len(goals) > 0,
        gefaehrdet=list(goals[goals.status == "gefährdet"].name) if len(goals) else [],
        gemeinden_bedarf=_need(c, index) if len(index) else [],
        index=len(index) > 0,
    )


def _targets_table(c: ReportContext, goals: pd.DataFrame) -> None:
    rows = [
        [
            r.name,
            f"{'≤' if r.richtung == 'below' else '≥'} {fmt.number(r.ziel, 1)} bis {r.zieljahr}",
            f"{fmt.number(r.aktuell, 1)} ({fmt.date(r.stand)})",
            fmt.signed(r.trend_je_jahr, 2),
            fmt.number(r.prognose_zieljahr, 1),
            LIGHT[r.status],
        ]
        for r in goals.itertuples()
    ]
    c.bericht.tab(
        "ziele",
        ["Indikator", "Ziel", "Aktuell (Stand)", "Trend je Jahr", "Trend im Zieljahr", "Status"],
        rows,
        f"Ziele der Sozialplanung {c.form['des']}",
        "*Quelle: Ziele aus der Kreiskonfiguration; Werte aus diesem Bericht.*"
        + (
            " **Synthetische Beispieldaten** (kein amtliches Ergebnis)."
            if c.synthetic and set(goals.indicator_id) & c.data.synthetic
            else ""
        ),
        align="llrrrl",
    )


def _need(c: ReportContext, index: pd.DataFrame) -> list[dict]:
    """The Gemeinden of low status or negative dynamics, with why: the robust findings first, then
    those resting on an unsure status class (the chapter "Sozialindex" left the robustness of
    every class in ``c.sozialindex``), each by status index, highest first."""
    need = []
    low = index["status"].isin(["niedrig", "sehr niedrig"])
    selected = index[low | (index["dynamik"] == "negativ")]
    # a finding is unsure where it rests on the status class and that class is unsure
    unsure = low & index["unsicher"].eq(True) if "unsicher" in index else low & False
    selected = selected.assign(befund_unsicher=unsure[selected.index]).sort_values(
        ["befund_unsicher", "status_index"], ascending=[True, False]
    )
    for r in selected.itertuples():
        reasons = ([f"Status {r.status}"] if r.status in ("niedrig", "sehr niedrig") else []) + (
            ["negative Dynamik"] if r.dynamik == "negativ" else []
        )
        need.append(
            {
                "name": c.gemeinden.get(r.area_id, r.area_id),
                "gruende": german_list(reasons),
                "kinderarmut": (poverty := _flagged(c, "kl_kinderarmut", r.area_id)),
                "sgb2": (sgb2 := _flagged(c, "kl_sgb2_quote", r.area_id)),
                "gesichert": any(s in poverty + sgb2 for s in significance.SYMBOLS.values()),
                "unsicher": bool(r.befund_unsicher),
                "gehalten": fmt.number(r.anteil_klasse_gehalten * 100) if r.befund_unsicher else "",
            }
        )
    return need


def _flagged(c: ReportContext, indicator: str, area: str) -> str:
    """The newest value of a Gemeinde with the symbol of its comparison with the Kreis value
    (▲ / ▼ where it differs significantly, none where it does not)."""
    rows = c.data.records(indicator, area)
    return significance.mark(c.data.show(indicator, area), c.data.comparison(indicator, area, rows[-1][0]) if rows else "")
