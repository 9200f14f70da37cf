"""Chapter "Bevölkerungsprognose" (``report/kapitel/prognose.md``): the Kreis's projection by the age
groups of planning (middle variant, with the range of the migration variants), as a table and an
index chart, and its distribution to the Gemeinden; what it means for Kitas, schools and care (the
demand tables of compute/demand.py: children in Krippe, Kita and Grundschule age, expected people
in need of care, the Gemeinden's children where their projection has age groups). No chapter
without a projection."""

from __future__ import annotations

import json

import pandas as pd

from sozialbericht.compute.demand import CHILD_BANDS, MIDDLE
from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import demand_figures
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list, short_name, sort_key

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
#: The child bands (compute/demand.CHILD_BANDS, named like the projection's groups) by their key in the text.
BAND_KEYS = dict(zip(CHILD_BANDS, ("krippe", "kita", "grundschule")))
#: A low (high) between the base and the target year is named where it lies this share below
#: (above) both ends; smaller dips are within the projection's noise.
NOTABLE = 0.02
#: The count of people in need of care (table 22411-02-03-4) the care projection is calibrated to.
CARE_COUNT = "pflegebeduerftige"


def build(c: ReportContext) -> None:
    prog = c.data.table("prognose")
    if not len(prog):
        return
    year = c.year
    mid = prog[prog.variant == MIDDLE]
    target = int(mid.year.max())
    wide = mid.pivot_table(index="group", columns="year", values="value")
    tot = prog[prog.group == "insgesamt"].pivot_table(index="year", columns="variant", values="value")
    _table(c, wide, target)
    _figure(c, mid, wide, tot, target)
    progg = c.data.table("prognose_gemeinden")
    gm, spread = _gemeinden(c, progg, wide, target) if len(progg) else (None, None)
    bedarf = _demand(c, progg, wide, gm)
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
        bedarf=bedarf,
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


# --- what the projection means for Kitas, schools and care -------------------------------------------
def _demand(c: ReportContext, progg: pd.DataFrame, wide: pd.DataFrame, gm: dict | None) -> dict | None:
    """The demand sections' values (``bedarf`` of the text), their tables and figures; None where
    the compute step wrote no demand tables (a report year without a projection)."""
    kinder = _children(c)
    pflege = _care(c)
    if kinder is None and pflege is None:
        return None
    return {"kinder": kinder, "pflege": pflege, "gemeinden": _children_by_gemeinde(c, progg, wide, gm) if kinder else None}


def _children(c: ReportContext) -> dict | None:
    """Children per band (``bedarf_kinder.csv``): a table of selected years (base year, every 5th,
    target year) with the range of the target year and the change, a chart of every year with the
    range of the migration variants, and per band the values of the text."""
    kids = c.data.table("bedarf_kinder")
    if not len(kids):
        return None
    kids = kids[kids["area_id"] == c.kreis]
    bands = [b for b in CHILD_BANDS if b in set(kids["band"])]
    mid = kids[kids["variant"] == MIDDLE].pivot_table(index="year", columns="band", values="value")
    low = kids.pivot_table(index="year", columns="band", values="value", aggfunc="min")
    high = kids.pivot_table(index="year", columns="band", values="value", aggfunc="max")
    year, last = c.year, int(mid.index.max())
    years = [y for y in dict.fromkeys([year, *range(year + 5, last, 5), last]) if y in mid.index]
    change = {b: (mid.at[last, b] / mid.at[year, b] - 1) * 100 for b in bands}
    rows = [[str(y), *(fmt.number(mid.at[y, b]) for b in bands)] for y in years]
    rows.append([f"Spanne {last}", *(f"{fmt.number(low.at[last, b])} – {fmt.number(high.at[last, b])}" for b in bands)])
    rows.append([f"Veränderung {year}–{last} in %", *(fmt.signed(change[b], 1) for b in bands)])
    c.bericht.tab(
        "bedarf-kinder",
        ["Jahr", *bands],
        rows,
        f"Kinder im Krippen-, Kita- und Grundschulalter {c.kurz} {year}–{last} (mittlere Variante; Spanne der Wanderungsvarianten)",
        f"*Quelle: eigene Modellrechnung auf Basis der Tabelle 12411-0018 ({c.ctx['sources']['bevoelkerung_alter']['attribution']}); "
        "Kinder am 31.12. im Alter von 0 bis unter 3, 3 bis unter 6 und 6 bis unter 10 Jahren. "
        "Spanne: niedrige bis hohe Zuwanderung nach Deutschland; die Werte sind die der Tabelle nach Altersgruppen.*",
    )
    series = mid[bands].stack().rename("value").reset_index().rename(columns={"band": "label"})
    band = pd.DataFrame({"low": low[bands].stack(), "high": high[bands].stack()}).reset_index().rename(columns={"band": "label"})
    c.bericht.fig(
        "bedarf-kinder",
        demand_figures.band_lines(series, band, f"Kinder nach Altersgruppen {year}–{last}", "Kinder"),
        f"Kinder im Krippen-, Kita- und Grundschulalter {c.kurz} {year}–{last}, mittlere Variante; die Flächen zeigen die "
        "Spanne zwischen niedriger und hoher Wanderungsvariante. Quelle: eigene Modellrechnung auf Basis Tabelle 12411-0018.",
        f"Liniendiagramm der Kinder je Altersgruppe bis {last}: "
        + "; ".join(f"{b} von {fmt.number(mid.at[year, b])} auf {fmt.number(mid.at[last, b])}" for b in bands)
        + ".",
    )
    return {
        "zieljahr": last,
        **{BAND_KEYS[b]: _band_values(mid[b], low.at[last, b], high.at[last, b], year, last) for b in bands},
    }


def _band_values(mid: pd.Series, low: float, high: float, year: int, last: int) -> dict:
    """A band's numbers in the text: base, target, change in %, the range of the target year and a
    notable low or high between them (year, value) or None."""
    ends = (mid[year], mid[last])
    inner = mid[(mid.index > year) & (mid.index < last)]
    tief = hoch = None
    if len(inner) and inner.min() < min(ends) * (1 - NOTABLE):
        tief = (int(inner.idxmin()), float(inner.min()))
    if len(inner) and inner.max() > max(ends) * (1 + NOTABLE):
        hoch = (int(inner.idxmax()), float(inner.max()))
    return {
        "basis": float(ends[0]),
        "ziel": float(ends[1]),
        "veraenderung": (ends[1] / ends[0] - 1) * 100,
        "spanne": (float(low), float(high)),
        "tief": tief,
        "hoch": hoch,
    }


def care_rates(c: ReportContext) -> dict | None:
    """The care rates' source and check (``pflegequoten.json`` of the work folder): ``quelle``,
    ``alle_geprueft``, and the age ranges of the checked and unchecked bands in words
    ("unter 85 Jahren", "ab 85 Jahren"); None without the file."""
    path = c.data.folder / "pflegequoten.json"
    if not path.exists():
        return None
    info = json.loads(path.read_text(encoding="utf-8"))
    bands = info.get("quoten", [])
    return {
        "quelle": info.get("quelle", {}),
        "alle_geprueft": all(b["geprueft"] for b in bands),
        "keine_geprueft": not any(b["geprueft"] for b in bands),
        "geprueft": age_ranges([b for b in bands if b["geprueft"]]),
        "ungeprueft": age_ranges([b for b in bands if not b["geprueft"]]),
        "altersgruppen": len(bands),
    }


def age_ranges(bands: list[dict]) -> list[str]:
    """Age bands (``von``, ``bis`` exclusive, None: open) with adjoining ones merged, in words:
    "unter 85 Jahren", "85 bis unter 90 Jahren", "ab 85 Jahren"."""
    merged: list[list] = []
    for b in sorted(bands, key=lambda b: b["von"]):
        if merged and merged[-1][1] == b["von"]:
            merged[-1][1] = b["bis"]
        else:
            merged.append([b["von"], b["bis"]])
    return [
        f"unter {hi} Jahren" if lo == 0 and hi is not None else f"ab {lo} Jahren" if hi is None else f"{lo} bis unter {hi} Jahren"
        for lo, hi in merged
        if not (lo == 0 and hi is None)
    ]


def _care(c: ReportContext) -> dict | None:
    """Expected people in need of care (``bedarf_pflege.csv``): the count at its date and the
    expected numbers with the range of the variants, as a table, a chart and the text's values
    (the calibration factor with the count and what the national rates alone would give)."""
    care = c.data.table("bedarf_pflege")
    rates = care_rates(c)
    if not len(care) or rates is None:  # without the rates' source the numbers could not be cited
        return None
    care = care[care["area_id"] == c.kreis]
    first = int(care["year"].min())
    mid = care[care["variant"] == MIDDLE].set_index("year").sort_index()
    by_year = care.groupby("year")["value"]
    low, high = by_year.min(), by_year.max()
    stichtag = next((p for p, _, _ in reversed(c.data.records(CARE_COUNT, c.kreis)) if p[:4] == str(first)), f"{first}-12-31")
    count, base = float(mid.at[first, "value"]), float(mid.at[first, "unadjusted"])
    factor = count / base
    src = rates["quelle"]
    years = [y for y in mid.index if y != first]
    rows = [[f"{fmt.date(stichtag)} (gezählt)", fmt.number(count), "–", "–", fmt.number(base)]]
    rows += [
        [
            str(y),
            fmt.number(mid.at[y, "value"]),
            f"{fmt.number(low[y])} – {fmt.number(high[y])}",
            fmt.signed((mid.at[y, "value"] / count - 1) * 100, 1),
            fmt.number(mid.at[y, "unadjusted"]),
        ]
        for y in years
    ]
    rates_name = f"Pflegequoten der {src['statistik']} {src['jahr']} für Deutschland"
    c.bericht.tab(
        "bedarf-pflege",
        [
            "Stichtag / Jahr",
            "Pflegebedürftige",
            "Spanne der Wanderungsvarianten",
            f"Veränderung gegenüber {first} in %",
            "nach den Pflegequoten Deutschlands (ohne Anpassung)",
        ],
        rows,
        f"Pflegebedürftige {c.kurz}: gezählt am {fmt.date(stichtag)} und erwartet bis {years[-1] if years else first} "
        "(mittlere Variante; Spanne der Wanderungsvarianten)",
        f"*Quelle: {c.ctx['sources']['pflege']['statistic']} ({c.ctx['sources']['pflege']['table']}), "
        f"{c.ctx['sources']['pflege']['attribution'].rstrip('.')}; erwartete Zahlen: eigene Vorausberechnung mit den {rates_name} "
        f"({src['herausgeber']}), angepasst mit dem Faktor {fmt.number(factor, 2)}."
        + (
            ""
            if rates["alle_geprueft"]
            else " Die Pflegequoten sind nicht alle mit der veröffentlichten Tabelle abgeglichen (siehe „Methodik und Quellen“)."
        )
        + "*",
    )
    labels = [f"{first} (gezählt)", *map(str, years)]
    c.bericht.fig(
        "bedarf-pflege",
        demand_figures.care_bars(
            labels,
            [count, *(mid.at[y, "value"] for y in years)],
            [count, *(low[y] for y in years)],
            [count, *(high[y] for y in years)],
            f"Pflegebedürftige {first}–{years[-1] if years else first}",
            "Pflegebedürftige",
        ),
        f"Pflegebedürftige {c.kurz}: gezählt am {fmt.date(stichtag)} (Pflegestatistik) und erwartet "
        f"{german_list([str(y) for y in years])} (mittlere Variante); die Striche zeigen die Spanne zwischen niedriger und hoher "
        f"Wanderungsvariante. Quelle: Pflegestatistik 22411-02-03-4, eigene Vorausberechnung mit den {rates_name}.",
        f"Säulendiagramm: {fmt.number(count)} Pflegebedürftige am {fmt.date(stichtag)}, "
        + ", ".join(f"{fmt.number(mid.at[y, 'value'])} erwartet {y}" for y in years)
        + ".",
    )
    return {
        "stichtag": fmt.date(stichtag),
        "jahr": first,
        "gezaehlt": count,
        "nach_quoten": base,
        "faktor": factor,
        "abweichung": (factor - 1) * 100,
        "jahre": [
            {
                "jahr": int(y),
                "wert": float(mid.at[y, "value"]),
                "spanne": (float(low[y]), float(high[y])),
                "veraenderung": (mid.at[y, "value"] / count - 1) * 100,
            }
            for y in years
        ],
        "quoten": rates,
    }


def _children_by_gemeinde(c: ReportContext, progg: pd.DataFrame, wide: pd.DataFrame, gm: dict | None) -> dict | None:
    """The Gemeinden's children in Krippe and Kita age, base year against target year, where the
    Gemeinde projection has these groups (the district's register gives ages per Gemeinde) and sets
    the Gemeinden apart (their own trend, not "every Gemeinde changes like the Kreis"). In a Kreis
    with Gemeindeverbände the chapter shows the Verbände and the annex every Gemeinde
    (``prognose-kinder-alle``)."""
    bands = list(CHILD_BANDS)[:2]
    if not len(progg) or gm is None or gm.get("methode") != "trend" or gm.get("fast_gleich") or len(c.gemeinden) <= 1:
        return None
    year, target = c.year, int(progg["year"].max())
    pw = progg[progg["year"].isin([year, target]) & progg["group"].isin(bands)]
    pw = pw.pivot_table(index="area_id", columns=["group", "year"], values="value")
    if not all((b, y) in pw.columns for b in bands for y in (year, target)):
        return None
    header = [
        "Gemeindeverband" if c.verbaende else "Gemeinde",
        *(h for b in bands for h in (f"{b} {year}", f"{b} {target}", "Veränderung in %")),
    ]

    def row(name: str, values) -> list[str]:
        return [name, *(x for b in bands for x in _change_cells(values[(b, year)], values[(b, target)]))]

    kreis = {(b, y): wide.loc[b, y] for b in bands for y in (year, target)}
    kreis_row = [bold(x) for x in row(c.kurz, kreis)]
    source = (
        "*Quelle: eigene Berechnung; Prognose der Gemeinden (eigener Trend, auf den Kreis abgestimmt), Altersgruppen aus dem "
        "Melderegister" + (" (synthetische Beispieldaten)" if c.synthetic else "") + ". Bei kleinen Zahlen sind die "
        "Veränderungen in Prozent wenig aussagekräftig.*"
    )
    gemeinden = {a: n for a, n in c.gemeinden.items() if a in pw.index}
    if c.verbaende:
        members = {v: [g for g in info["gemeinden"] if g in pw.index] for v, info in c.ctx.get("verbaende", {}).items()}
        units = {v: pw.loc[members[v]].sum() for v in c.verbaende if members.get(v)}
        rows = [row(c.verbaende[v], units[v]) for v in units]
        c.bericht.tab(
            "prognose-kinder-alle",
            ["Gemeinde", *header[1:]],
            [row(n, pw.loc[a]) for a, n in gemeinden.items()],
            f"Kinder im Krippen- und Kita-Alter {year} und {target} in allen Gemeinden (mittlere Variante)",
            source,
        )
    else:
        rows = [row(n, pw.loc[a]) for a, n in gemeinden.items()]
    c.bericht.tab(
        "prognose-kinder-gemeinden",
        header,
        [*rows, kreis_row],
        f"Kinder im Krippen- und Kita-Alter {year} und {target} nach {'Gemeindeverbänden' if c.verbaende else 'Gemeinden'} "
        "(mittlere Variante)",
        source,
    )
    kita = {
        n: (pw.loc[a, (bands[1], target)] / pw.loc[a, (bands[1], year)] - 1) * 100
        for a, n in gemeinden.items()
        if pw.loc[a, (bands[1], year)] > 0
    }
    ranked = sorted(kita.items(), key=lambda kv: kv[1])
    return {
        "verbaende": bool(c.verbaende),
        "kita_min": (short_name(ranked[0][0]), fmt.signed(ranked[0][1], 1)) if ranked else None,
        "kita_max": (short_name(ranked[-1][0]), fmt.signed(ranked[-1][1], 1)) if ranked else None,
    }


def _change_cells(base: float, target: float) -> list[str]:
    change = fmt.signed((target / base - 1) * 100, 1) if base > 0 else "–"
    return [fmt.number(base), fmt.number(target), change]
