"""Chapter "Vergleichskreise" (``report/kapitel/vergleichskreise.md``): the Kreis beside the Kreise
whose structure is most like its own (compute/peers.py) — the group with its Länder, the table of
the key indicators (the Kreis's value as the indicator table has it, the group's median, P25 and
P75, the Kreis's rank in the group) and a figure of the group's middle ranges with the Kreis's
values; the text names the indicators outside the middle range. No chapter without a comparison
(a report year before it was computed, a Kreis without a group)."""

from __future__ import annotations

import pandas as pd

from sozialbericht.compute.peers import STRUCTURE
from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import bold
from sozialbericht.report import outlook
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import german_list
from sozialbericht.report.peer_figures import comparison_ranges

BUILT_FROM: tuple[str, ...] = ()

#: The position to the group's middle range in the table.
LAGE = {outlook.ABOVE: "oberhalb", outlook.INSIDE: "innerhalb", outlook.BELOW: "unterhalb"}


def build(c: ReportContext) -> None:
    v = outlook.comparison(c.data)
    if v is None:
        return
    _group_table(c, v)
    _comparison_table(c, v)
    _figure(c, v)
    laender = list(dict.fromkeys(v.gruppe["land_name"]))
    own_land = int((v.gruppe["land"] == c.land).sum())
    c.bericht.kapitel(
        "vergleichskreise",
        anzahl=v.anzahl,
        anzahl_wort=outlook.number_word(v.anzahl),
        eigene=v.eigene,
        eigenes_land=own_land,
        eigenes_land_wort=outlook.number_word(own_land),
        laender=laender,
        kennzahlen=v.kennzahlen,
        kennzahlen_wort=outlook.number_word(len(v.kennzahlen)),
        oberhalb=v.lage(outlook.ABOVE),
        unterhalb=v.lage(outlook.BELOW),
        innerhalb=v.lage(outlook.INSIDE),
        von=max(k.von for k in v.kennzahlen),
    )


def _sources(c: ReportContext, ids: list[str]) -> list[str]:
    return c.datasets_of([i for i in ids if i in c.data.catalogue])


def _group_table(c: ReportContext, v: outlook.Vergleich) -> None:
    computed = not v.eigene
    # in the group's order (nearest first); no column of bare numbers 1, 2, … that a reader might
    # take for counts (disclosure control refuses counts of 1 and 2)
    rows = [
        [
            str(r["area_name"]),
            str(r["land_name"]),
            *([fmt.number(r["distance"], 2)] if computed else []),
        ]
        for _, r in v.gruppe.iterrows()
    ]
    header = ["Kreis", "Land", *(["Abstand"] if computed else [])]
    how = (
        "die Kreise mit der ähnlichsten Struktur (Siedlungsdichte, Altersstruktur, Bevölkerungsentwicklung, Arbeitsmarkt, Pflege)"
        if computed
        else f"eigene Auswahl {c.wort['des']}"
    )
    extra = (
        " Abstand: Unterschied der standardisierten Strukturmerkmale (0 = gleiche Struktur); Methode im Kapitel „Methodik und Quellen“."
        if computed
        else ""
    )
    c.bericht.tab(
        "vergleichskreise-gruppe",
        header,
        rows,
        f"Vergleichskreise {c.kurz}: {how}" + (", nach Abstand geordnet" if computed else ""),
        c.quelle(*_sources(c, [i for i, _, _ in STRUCTURE]), extra=extra) if computed else "",
        align="ll" + ("r" if computed else ""),
    )


def _comparison_table(c: ReportContext, v: outlook.Vergleich) -> None:
    rows = [
        [
            k.titel,
            k.stand,
            k.wert.zahl,
            k.median.zahl,
            k.p25.zahl,
            k.p75.zahl,
            f"{k.rang} von {k.von}" if k.rang is not None else "–",
            bold(LAGE[k.lage]) if k.lage in (outlook.ABOVE, outlook.BELOW) else LAGE.get(k.lage, "–"),
        ]
        for k in v.kennzahlen
    ]
    c.bericht.tab(
        "vergleichskreise",
        ["Kennzahl", "Stand", c.kurz, "Median", "P25", "P75", "Rang", "Lage"],
        rows,
        f"{c.kurz} im Vergleich mit {v.anzahl} Vergleichskreisen: Median, 25- und 75-%-Quantil (P25, P75) der Vergleichskreise, "
        "Rang (1 = höchster Wert) und Lage zum mittleren Bereich (P25 bis P75)",
        c.quelle(*_sources(c, [k.id for k in v.kennzahlen]), extra=" Vergleichskreise: eigene Berechnung."),
        align="ll" + "r" * 5 + "l",
    )


def comparison_alt(c: ReportContext, v: outlook.Vergleich) -> str:
    """Alt text of the figure: what it shows and where the Kreis lies outside the middle range."""
    parts = []
    for position, word in ((outlook.ABOVE, "über"), (outlook.BELOW, "unter")):
        names = [f"{k.name} ({k.wert})" for k in v.lage(position)]
        if names:
            parts.append(f"{word} dem mittleren Bereich bei {german_list(names)}")
    where = (
        f"{c.form['Der']} liegt {'; '.join(parts)}; bei den übrigen Kennzahlen im mittleren Bereich."
        if parts
        else f"{c.form['Der']} liegt bei allen Kennzahlen im mittleren Bereich."
    )
    return (
        f"Punktdiagramm: Für {len(v.kennzahlen)} Kennzahlen je der mittlere Bereich (25- bis 75-%-Quantil) und der Median "
        f"der {v.anzahl} Vergleichskreise und der Wert {c.form['des']}. {where}"
    )


def _figure(c: ReportContext, v: outlook.Vergleich) -> None:
    rows = pd.DataFrame(
        [
            {
                "label": k.titel,
                "decimals": c.data.catalogue[k.id]["decimals"],
                "value": k.wert.wert if not k.wert.fehlt else float("nan"),
                "median": k.median.wert if not k.median.fehlt else float("nan"),
                "p25": k.p25.wert if not k.p25.fehlt else float("nan"),
                "p75": k.p75.wert if not k.p75.fehlt else float("nan"),
                "position": k.lage,
            }
            for k in v.kennzahlen
        ]
    )
    c.bericht.fig(
        "vergleichskreise",
        comparison_ranges(rows, f"{c.kurz} und {v.anzahl} Vergleichskreise", c.kurz),
        f"{c.kurz} im Vergleich mit {v.anzahl} Vergleichskreisen: je Kennzahl der mittlere Bereich der Vergleichskreise "
        "(25- bis 75-%-Quantil), ihr Median und der Wert "
        + c.form["des"]
        + ", jede Kennzahl mit eigener Achse. "
        + c.quelle(*_sources(c, [k.id for k in v.kennzahlen])).strip("*"),
        comparison_alt(c, v),
    )
