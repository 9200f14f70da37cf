"""Chapter "Beratung" (``report/kapitel/beratung.md``): cases and staffing of the integrated
counselling per field against the benchmarks, cases by Gemeinde, travel distances and — from the
providers' workbooks of the counselling data standard — problem areas, clientele and sites.
Every table and figure is marked as showing the providers' data (``daten=("beratung",)``, listed in
their receipts). No chapter without counselling data."""

from __future__ import annotations

import pandas as pd

from sozialbericht.compute.disclosure import SUPPRESSED, suppress_counts
from sozialbericht.core import formatting as fmt
from sozialbericht.report import figures as figs
from sozialbericht.report.chapters.common import ReportContext
from sozialbericht.report.names import short_name, sort_key

BUILT_FROM: tuple[str, ...] = ()

#: Field names too long for a table column.
SHORT = {
    "Schwangerschafts- und Schwangerschaftskonfliktberatung": "Schwangerschafts(konflikt)beratung",
    "Ehe-, Familien- und Lebensberatung": "Ehe-, Familien-, Lebensberatung",
}
PROVIDERS = ("beratung",)


def build(c: ReportContext) -> None:
    supply, travel = c.data.table("beratung_versorgung"), c.data.table("beratung_wege")
    if not len(supply):
        return
    _supply_table(c, supply)
    _supply_figure(c, supply)
    if len(c.gemeinden) > 1:
        _gemeinde_tables(c, supply, travel)
    standard = c.ctx.get("beratung_traeger") or {}
    accepted = [t for t in standard.get("traeger", []) if t["status"] == "ok"]
    if accepted:
        _provider_tables(c, standard, accepted)
    far = travel.groupby("area_id")["km"].max() if len(travel) else pd.Series(dtype=float)
    gaps = supply[supply.differenz_vzae < 0]
    c.bericht.kapitel(
        "beratung",
        standard={
            "traeger": [t["name"] for t in accepted],
            "ausgeschlossen": [t["name"] for t in standard.get("traeger", []) if t["status"] != "ok"],
            "regel": standard.get("regel", ""),
        }
        if standard
        else None,
        faelle=fmt.number(supply.faelle.sum()),
        je_10000=fmt.number(supply.faelle.sum() / c.data.value("kl_einwohner", c.kreis) * 10000, 1),
        mehrfach=c.data.show("kl_mehrfachproblematik", c.kreis),
        luecken=[(SHORT.get(r.beratungsfeld, r.beratungsfeld), fmt.number(-r.differenz_vzae, 2)) for r in gaps.itertuples()],
        felder=len(supply),
        orte=len({x for s in supply.standorte for x in s.split("; ")}),
        weitester=(fmt.number(far.max(), 0), c.gemeinden.get(far.idxmax(), "")) if len(far) else None,
        rechtsrahmen=c.ctx.get("beratung", {}),
        mehrere_gemeinden=len(c.gemeinden) > 1,
    )


def _supply_table(c: ReportContext, supply: pd.DataFrame) -> None:
    rows = [
        [
            SHORT.get(r.beratungsfeld, r.beratungsfeld),
            fmt.number(r.faelle),
            fmt.number(r.faelle_je_10000, 1),
            fmt.number(r.anteil_mehrfach, 1),
            fmt.number(r.vzae, 2),
            fmt.number(r.vzae_je_10000, 2),
            fmt.number(r.richtwert_je_10000, 2) + (" (Minderjährige)" if r.bezug == "minderjaehrige" else ""),
            fmt.signed(r.differenz_vzae, 2),
            ", ".join(short_name(x) for x in r.standorte.split("; ")),
        ]
        for r in supply.itertuples()
    ]
    c.bericht.tab(
        "beratung-versorgung",
        [
            "Beratungsfeld",
            "Fälle",
            "Fälle je 10.000 EW",
            "Mehrfachproblematik in %",
            "VZÄ",
            "VZÄ je 10.000",
            "Richtwert VZÄ je 10.000",
            "Differenz zum Richtwert (VZÄ)",
            "Standorte",
        ],
        rows,
        f"Beratungsfälle und Personalausstattung der integrierten Beratung {c.year}",
        c.eigene_quelle("Beratungsstellen (Falldaten und Stellenplan)", str(c.year))
        + " Richtwerte: "
        + "; ".join(f"{SHORT.get(r.beratungsfeld, r.beratungsfeld)}: {r.quelle}" for r in supply.itertuples())
        + ".",
        align="lrrrrrrrl",
        daten=PROVIDERS,
    )


def _supply_figure(c: ReportContext, supply: pd.DataFrame) -> None:
    c.bericht.fig(
        "beratung-ausstattung",
        figs.supply_bars(
            [SHORT.get(f, f) for f in supply.beratungsfeld],
            list(supply.vzae_je_10000),
            list(supply.richtwert_je_10000),
            f"Personalausstattung der Beratung {c.year} in % des Richtwerts",
            "Ausstattung in % des Richtwerts",
        ),
        f"Personalausstattung der Beratungsfelder {c.year} in Prozent des jeweiligen Richtwerts (Vollzeitäquivalente je 10.000 Einwohner; "
        "Erziehungsberatung je 10.000 Minderjährige). Quelle: Beratungsstellen"
        + (" – synthetische Beispieldaten." if c.synthetic else "."),
        "Balkendiagramm: "
        + "; ".join(
            f"{SHORT.get(r.beratungsfeld, r.beratungsfeld)} {fmt.number(r.vzae_je_10000 / r.richtwert_je_10000 * 100, 0)} %"
            for r in supply.itertuples()
        )
        + " des Richtwerts.",
        daten=PROVIDERS,
    )


def _gemeinde_tables(c: ReportContext, supply: pd.DataFrame, travel: pd.DataFrame) -> None:
    """Cases per 10,000 by Gemeinde (table ``beratung-gemeinden`` of the catalogue) and the distance
    to the nearest site of each field."""
    ids = c.rows_of("beratung-gemeinden")
    header, rows = c.area_rows(ids, c.year, include_land=False, gemeinden=not c.verbaende)
    c.bericht.tab(
        "beratung-gemeinden",
        header,
        rows,
        f"Beratungsfälle je 10.000 Einwohner nach Wohngemeinde und Beratungsfeld {c.year}",
        c.eigene_quelle(f"Beratungsstellen; Melderegister {c.wort['des']}", str(c.year))
        + " Fallzahlen unter 3 und daraus ableitbare Werte "
        "sind durch `.` ersetzt; `–`: keine Fälle." + c.significance_note(ids, include_land=False),
        daten=PROVIDERS,
    )
    w = travel.pivot_table(index="area_id", columns="beratungsfeld", values="km")
    rows = [[c.gemeinden[a], *(fmt.number(w.loc[a, f], 0) for f in supply.beratungsfeld)] for a in c.gemeinden if a in w.index]
    c.bericht.tab(
        "beratung-wege",
        ["Gemeinde", *(SHORT.get(f, f) for f in supply.beratungsfeld)],
        rows,
        "Entfernung zur nächsten Beratungsstelle je Beratungsfeld in km (Luftlinie)",
        c.eigene_quelle("Beratungsstellen; Geometrie © GeoBasis-DE / BKG 2021 (Daten verändert)", str(c.year)),
        daten=PROVIDERS,
    )


def _provider_tables(c: ReportContext, standard: dict, accepted: list[dict]) -> None:
    """The providers of the counselling data standard: problem areas, clientele and sites
    (disclosure control: a count of 1 or 2 and its share are not shown)."""
    mindest = c.ctx["disclosure"]["min_count"]
    total = sum(t["faelle"] for t in accepted)

    def case_table(name, first, rows, caption, hidden):
        """A table of the providers' cases: label columns, count and share of all cases."""
        c.bericht.tab(
            name,
            [*first, "Fälle", "Anteil an allen Fällen in %"],
            rows,
            caption,
            c.eigene_quelle(f"Lieferungen von {len(accepted)} Trägern nach dem Beratungsdatenstandard", str(c.year))
            + f" Fallzahlen unter {mindest}{hidden} sind durch `.` ersetzt.",
            align="llrr",
            daten=PROVIDERS,
        )

    rows = []
    for p in standard["problemlagen"]:
        n = sum(f["problemlagen"][p["id"]] for t in accepted for f in t["felder"].values())
        shown = suppress_counts({"n": n}, mindest, total=False)["n"]
        rows.append([p["name"], p["bereich"], shown, shown if shown == SUPPRESSED else fmt.number(n / total * 100, 1)])
    case_table(
        "beratung-problemlagen",
        ["Problemlage", "Lebensbereich"],
        rows,
        f"Bearbeitete Problemlagen der Beratungsfälle {c.year} (Mehrfachnennungen)",
        "",
    )
    case_table(
        "beratung-klientel",
        ["Merkmal", "Ausprägung"],
        _clientele_rows(standard, accepted, mindest, total),
        f"Beratungsfälle {c.year} nach Altersgruppe und Haushaltsform",
        " und eine weitere Zahl desselben Merkmals",
    )
    _sites_table(c, accepted)


def _clientele_rows(standard: dict, accepted: list[dict], mindest: int, total: int) -> list[list]:
    """Who is counselled: age group and household type of all cases (counts below the threshold
    hidden, with a second count of the same characteristic, as the sums are shown)."""
    rows = []
    for merkmal, titel in (("altersgruppe", "Altersgruppe"), ("haushaltstyp", "Haushaltsform")):
        counts: dict[str, int] = {}
        for t in accepted:
            for value, n in t["merkmale"].get(merkmal, {}).items():
                counts[value] = counts.get(value, 0) + n
        order = [v for v in standard.get("merkmale", {}).get(merkmal, []) if v in counts]
        shown = suppress_counts({v: counts[v] for v in order}, mindest)
        rows += [
            [titel, v, shown[v], SUPPRESSED if shown[v] == SUPPRESSED else fmt.number(counts[v] / total * 100, 1)] for v in order
        ]
    return rows


def _sites_table(c: ReportContext, accepted: list[dict]) -> None:
    rows = [
        [
            t["name"],
            s["standort"],
            c.gemeinden.get(s["standort_ars"], s["standort_ars"]),
            SHORT.get(s["beratungsfeld"], s["beratungsfeld"]),
            fmt.number(s["vzae"], 2),
            fmt.number(s["oeffnungsstunden"]) if s.get("oeffnungsstunden") is not None else "–",
            s.get("barrierefrei") or "–",
            s.get("sprachen") or "–",
        ]
        for t in accepted
        for s in t["stellen"]
    ]
    c.bericht.tab(
        "beratung-stellen",
        ["Träger", "Stelle", "Gemeinde", "Beratungsfeld", "VZÄ", "Öffnungs­stunden je Woche", "barrierefrei", "Sprachen"],
        sorted(rows, key=lambda r: (sort_key(r[2]), r[0], r[3])),
        f"Beratungsstellen der Träger {c.year}: Kapazität, Öffnungszeiten, Zugänglichkeit",
        c.eigene_quelle("Lieferungen der Träger nach dem Beratungsdatenstandard (Blatt Stellen)", str(c.year)),
        align="llllrrll",
        daten=PROVIDERS,
    )
