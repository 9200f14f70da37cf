"""Chapter "Handlungsbedarfe" (``report/kapitel/handlungsbedarfe.md``): the planning targets of the
district with their status, and the Gemeinden with need for action by the social index — built
from the chapter "Sozialindex" (its table ``c.sozialindex``). Leaves the targets in the context
(``c.ziele``) for the Zusammenfassung."""

from __future__ import annotations

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report.chapters.common import ReportContext
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
    c.bericht.kapitel(
        "handlungsbedarfe",
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
    """The Gemeinden of low status or negative dynamics, highest status index first, with why."""
    need = []
    selected = index[index["status"].isin(["niedrig", "sehr niedrig"]) | (index["dynamik"] == "negativ")]
    for r in selected.sort_values("status_index", ascending=False).itertuples():
        reasons = ([f"Status {r.status}"] if r.status in ("niedrig", "sehr niedrig") else []) + (
            ["negative Dynamik"] if r.dynamik == "negativ" else []
        )
        need.append(
            {
                "name": c.gemeinden.get(r.area_id, r.area_id),
                "gruende": german_list(reasons),
                "kinderarmut": c.data.show("kl_kinderarmut", r.area_id),
                "sgb2": c.data.show("kl_sgb2_quote", r.area_id),
            }
        )
    return need
