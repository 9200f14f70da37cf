"""Chapter "Bevölkerungsprognose" (``report/kapitel/prognose.md``): the Kreis's projection by the age
groups of planning (middle variant, with the range of the migration variants), as a table and an
index chart, and its distribution to the Gemeinden. No chapter without a projection."""

from __future__ import annotations

import pandas as pd

from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import short_name, sort_key

BUILT_FROM: tuple[str, ...] = ()

#: The age groups of planning in the table's order; the first seven partition the population.
GROUPS = [
    "0 bis 2 Jahre (Krippe)",
    "3 bis 5 Jahre (Kita)",
    "6 bis 9 Jahre (Grundschule)",
    "10 bis 17 Jahre",
    "18 bis 64 Jahre",
    "65 bis 79 Jahre",
    "80 Jahre und älter",
    "insgesamt",
    "65 Jahre und älter",
]
PARTS = GROUPS[:7]


def build(c: ReportContext) -> None:
    prog = c.data.table("prognose")
    if not len(prog):
        return
    year = c.year
    mid = prog[prog.variant == "mittel"]
    target = int(mid.year.max())
    wide = mid.pivot_table(index="group", columns="year", values="value")
    tot = prog[prog.group == "insgesamt"].pivot_table(index="year", columns="variant", values="value")
    _table(c, wide, target)
    _figure(c, mid, wide, tot, target)
    progg = c.data.table("prognose_gemeinden")
    gm, spread = _gemeinden(c, progg, wide, target) if len(progg) else (None, None)
    c.bericht.kapitel(
        "prognose",
        zieljahr=target,
        insgesamt=wide.loc["insgesamt"],
        veraenderung=(wide.loc["insgesamt", target] / wide.loc["insgesamt", year] - 1) * 100,
        spanne=(tot.loc[target, "niedrig"], tot.loc[target, "hoch"]),
        kalibrierung={"jahre_deutschland": [], **(c.ctx["projection"]["kalibrierung"] or {})},
        backtest=c.ctx["projection"].get("backtest") or {},
        annahmen=c.ctx["planning"].get("projection", {}),
        land_annahmen=c.ctx.get("land_annahmen", {}),
        gemeinden=len(progg) > 0,
        gemeinde_modell=gm,
        gemeinde_spanne=spread,
        krippe=(wide.loc[GROUPS[0], year], wide.loc[GROUPS[0], target]),
        kita=(wide.loc[GROUPS[1], year], wide.loc[GROUPS[1], target]),
        grundschule=(wide.loc[GROUPS[2], year], wide.loc[GROUPS[2], target]),
        hochaltrige=(wide.loc[GROUPS[6], year], wide.loc[GROUPS[6], target]),
    )


def prognose_alt(wide: pd.DataFrame, groups: list[str], year: int, target: int) -> str:
    """Alt text of the projection chart: where the total and the most changing group end up."""
    index = {g: wide.loc[g, target] / wide.loc[g, year] * 100 for g in ["insgesamt", *groups]}
    verb = "sinkt" if index["insgesamt"] < 100 else "steigt" if index["insgesamt"] > 100 else "bleibt"
    top = max(groups, key=lambda g: abs(index[g] - 100))
    return (
        f"Liniendiagramm: Bis {target} {verb} die Bevölkerung insgesamt auf {fmt.number(index['insgesamt'], 0)} "
        f"(Index {year} = 100); am stärksten verändert sich die Gruppe {top} (auf {fmt.number(index[top], 0)})."
    )


def _table(c: ReportContext, wide: pd.DataFrame, target: int) -> None:
    year = c.year
    cols = [year, *(y for y in range(year + 5, target + 1, 5) if y in wide.columns)]
    rows = [
        [
            bold(g) if g == "insgesamt" else ("darunter " if g == "65 Jahre und älter" else "") + g,
            *(fmt.number(wide.loc[g, y]) for y in cols),
            fmt.signed((wide.loc[g, target] / wide.loc[g, year] - 1) * 100, 1),
        ]
        for g in GROUPS
    ]
    c.bericht.tab(
        "prognose",
        ["Altersgruppe", *map(str, cols), f"Veränderung {year}–{target} in %"],
        rows,
        f"Bevölkerungsprognose {c.kurz} nach Altersgruppen der Planung (mittlere Variante)",
        f"*Quelle: eigene Modellrechnung auf Basis der Tabelle 12411-0018 ({c.ctx['sources']['bevoelkerung_alter']['attribution']}); "
        f"Modellrechnung {c.wort['des']}, keine amtliche Vorausberechnung des Landes.*",
    )


def _figure(c: ReportContext, mid: pd.DataFrame, wide: pd.DataFrame, tot: pd.DataFrame, target: int) -> None:
    year = c.year
    band = pd.DataFrame(
        {"label": "insgesamt", "year": tot.index.to_numpy(), "low": tot["niedrig"].to_numpy(), "high": tot["hoch"].to_numpy()}
    )
    s = pd.concat([mid[mid.group == "insgesamt"], mid[mid.group.isin(PARTS)]]).rename(columns={"group": "label"})
    c.bericht.fig(
        "prognose",
        figs.index_lines(s, f"Bevölkerungsprognose {year}–{target} (Index {year} = 100)", f"Index {year} = 100", band=band),
        f"Bevölkerungsprognose {c.kurz} {year}–{target} nach Altersgruppen der Planung, Index {year} = 100; die Fläche um „insgesamt“ zeigt die "
        "Spanne zwischen niedriger und hoher Wanderungsvariante. Quelle: eigene Modellrechnung auf Basis Tabelle 12411-0018.",
        prognose_alt(wide, PARTS, year, target),
    )


def _gemeinden(c: ReportContext, progg: pd.DataFrame, wide: pd.DataFrame, target: int) -> tuple[dict, tuple[str, str]]:
    """The projection by Gemeinde (table ``prognose-gemeinden``); returns what the distribution to
    the Gemeinden did (``gemeinde_projection.GemeindeModel``: the text says it) and the range of their changes."""
    year = c.year
    gm = dict(c.ctx["projection"]["gemeinden"])
    gm["ohne_verlauf"] = [short_name(c.gemeinden.get(a, a)) for a in gm["ohne_verlauf"]]
    pw = progg[progg.year.isin([year, target])].pivot_table(index="area_id", columns=["group", "year"], values="value")
    groups = [g for g in ["insgesamt", *PARTS, "65 Jahre und älter"] if (g, target) in pw.columns]
    rows = [
        [
            c.gemeinden.get(a, a),
            fmt.number(pw.loc[a, ("insgesamt", year)]),
            *(fmt.number(pw.loc[a, (g, target)]) for g in groups),
            fmt.signed((pw.loc[a, ("insgesamt", target)] / pw.loc[a, ("insgesamt", year)] - 1) * 100, 1),
        ]
        for a in sorted(pw.index, key=lambda a: sort_key(c.gemeinden.get(a, a)))
    ]
    rows.append(
        [
            bold(c.kurz),
            bold(fmt.number(wide.loc["insgesamt", year])),
            *(bold(fmt.number(wide.loc[g, target])) for g in groups),
            bold(fmt.signed((wide.loc["insgesamt", target] / wide.loc["insgesamt", year] - 1) * 100, 1)),
        ]
    )
    c.bericht.tab(
        "prognose-gemeinden",
        ["Gemeinde", f"{year}", *(f"{g} {target}" for g in groups), "Veränderung insgesamt in %"],
        rows,
        f"Prognose {target} nach Gemeinden ("
        + ("eigener Trend" if gm["methode"] == "trend" else f"gleichbleibende Anteile {c.wort['am']}")
        + f", auf {c.wort['den']} abgestimmt)",
        "*Quelle: eigene Berechnung; Gemeindeentwicklung aus dem Gemeindeverzeichnis GV-ISys"
        + (
            "; Altersgruppen aus dem Melderegister" + (" (synthetische Beispieldaten)" if c.synthetic else "")
            if (GROUPS[0], target) in pw.columns
            else ""
        )
        + f". Die Altersgruppen ergeben zusammen die Summe, die Gemeinden zusammen {c.wort['den']}.*",
    )
    change = (pw[("insgesamt", target)] / pw[("insgesamt", year)] - 1) * 100
    return gm, (fmt.signed(change.min(), 1), fmt.signed(change.max(), 1))
