"""The findings of the chapter "Handlungsbedarfe": explicit rules, declared with their thresholds
in ``handlungsbedarfe`` of ``config/config.yaml`` (in the district's context as
``planning.handlungsbedarfe``), applied to the tables of the report.

Rules (each applied only where the configuration names it; the German words of every finding are
in ``report/kapitel/handlungsbedarfe.md``):

- ``ziele``: a planning target of the district is at risk (status ``gefährdet`` of ``ziele.csv``);
- ``bedarf``: the projection (middle variant) changes the number of children of Krippe, Kita or
  Grundschule age (``bedarf_kinder.csv``) or of the expected Pflegebedürftige
  (``bedarf_pflege.csv``) from the base year to the projection's last year by at least
  ``schwelle_prozent`` (the migration variants give the range);
- ``kleinraeumig``: Gemeinden whose 95 % interval of a need indicator lies wholly above the Kreis
  value (below it for an indicator with ``direction: higher_is_better``; ``intervalle.csv``);
- ``vergleichskreise``: the Kreis lies outside its Vergleichskreise' interquartile range
  (``vergleich.csv``) by at least ``mindestabstand`` × (P75 − P25);
- ``landestrend``: over the last ``jahre`` years an indicator of the Kreis changed by at least
  ``abweichung`` more or less than in its Land (a Stadtstaat: Germany), or in the opposite
  direction with both changes at least ``gegenlaeufig_ab`` (thresholds in the indicator's unit).

Every finding keeps the numbers it prints (:class:`Beleg`: indicator, area, period, field and
value, in the vocabulary of ``indikatoren.csv``, with the table it was read from) and the numbers
it derives from them (:class:`Ableitung`), so that a test can check each printed number against
the tables. Findings are ordered by the ``rang`` of their rule, within a rule by how far they pass
its threshold; each rule shows at most its ``hoechstens``, the chapter at most ``hoechstens``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from sozialbericht.compute.demand import CHILD_BANDS, MIDDLE
from sozialbericht.core import formatting as fmt
from sozialbericht.core.untrusted import Markdown, md_text

if TYPE_CHECKING:
    from sozialbericht.report.chapters.common import ReportContext

#: The demand rows of ``indikatoren.csv`` by band of ``bedarf_kinder.csv`` (Krippe, Kita, Grundschule).
CHILD_IDS = dict(zip(CHILD_BANDS, ("kinder_krippenalter", "kinder_kitaalter", "kinder_grundschulalter")))
CARE_ID = "pflegebeduerftige_erwartet"
#: The area of the comparison group's rows in ``indikatoren.csv`` (median, P25, P75).
PEERS = "vergleichskreise"


@dataclass(frozen=True)
class Beleg:
    """A number a finding prints: ``indicator``, ``area`` and ``period`` as ``indikatoren.csv`` keys
    them, ``field`` its column there (``value``, ``lower``, ``upper``; for a target a column of
    ``ziele.csv``), the value and the ``table`` it was read from."""

    indicator: str
    area: str
    period: str
    field: str
    value: float
    table: str


@dataclass(frozen=True)
class Ableitung:
    """A number a finding derives from its Belege: ``differenz`` (second − first), ``prozent``
    ((second / first − 1) × 100) or ``anzahl`` (how many Belege)."""

    kind: str
    inputs: tuple[Beleg, ...]
    value: float


@dataclass
class Befund:
    """One finding: its rule, the values its sentence prints (``werte``, German), its source line
    and the numbers behind it."""

    regel: str
    gewicht: float  # order within the rule: larger first
    werte: dict
    quelle: str
    belege: list[Beleg] = field(default_factory=list)
    abgeleitet: list[Ableitung] = field(default_factory=list)

    def fuer_text(self) -> dict:
        """What the chapter template reads: the rule, the values and the source line."""
        return {"regel": self.regel, **self.werte, "quelle": Markdown(self.quelle)}


# --- helpers ---------------------------------------------------------------------------------------------
def _entry(c: ReportContext, ind: str) -> dict:
    return c.data.catalogue[ind]


def _shown(c: ReportContext, ind: str, value: float) -> str:
    """A value of ``ind`` as the texts print it (German, with unit)."""
    e = _entry(c, ind)
    return fmt.with_unit(value, e["unit"], e["decimals"])


def _change(c: ReportContext, ind: str, value: float) -> str:
    """A change of ``ind`` with sign, in percentage points for a share."""
    e = _entry(c, ind)
    unit = "Prozentpunkte" if e["unit"] == "%" else e["unit"]
    return f"{fmt.signed(value, e['decimals'])}{fmt.NBSP}{unit}"


def _differs(c: ReportContext, ind: str, a: float, b: float) -> bool:
    """Whether two values of ``ind`` differ as printed."""
    d = _entry(c, ind)["decimals"]
    return round(a, d) != round(b, d)


def _indicator_source(c: ReportContext, ind: str, stand: str, extra: str = "") -> str:
    datasets = c.datasets_of([ind])
    return c.quelle(*datasets, stand=stand, extra=extra) if datasets else f"*Quelle: {md_text(_entry(c, ind)['source'])}.{extra}*"


# --- rule "ziele": planning targets at risk --------------------------------------------------------------
def targets_missed(c: ReportContext, rule: dict) -> list[Befund]:
    goals = c.data.table("ziele")
    if not len(goals):
        return []
    found = []
    for r in goals[goals["status"] == "gefährdet"].itertuples():
        unit = "" if r.unit == "Anzahl" else f"{fmt.NBSP}{r.unit}"
        belege = [
            Beleg(r.indicator_id, c.kreis, r.stand, k, float(getattr(r, k)), "ziele")
            for k in ("aktuell", "ziel", "prognose_zieljahr", "zieljahr")
            if not pd.isna(getattr(r, k))
        ]
        trend = not pd.isna(r.prognose_zieljahr)  # no trend without earlier values
        synthetic = r.indicator_id in c.data.synthetic and c.synthetic
        found.append(
            Befund(
                "ziele",
                abs(r.prognose_zieljahr - r.ziel) / (abs(r.ziel) or 1) if trend else 0.0,
                {
                    "name": r.name,
                    "aktuell": fmt.number(r.aktuell, 1) + unit,
                    "stand": fmt.date(r.stand),
                    "ziel": fmt.number(r.ziel, 1) + unit,
                    "hoechstens": r.richtung == "below",
                    "zieljahr": int(r.zieljahr),
                    "prognose": fmt.number(r.prognose_zieljahr, 1) + unit if trend else "",
                },
                "*Quelle: Ziele aus der Kreiskonfiguration; Werte aus diesem Bericht.*"
                + (" **Synthetische Beispieldaten** (kein amtliches Ergebnis)." if synthetic else ""),
                belege,
            )
        )
    return found


# --- rule "bedarf": demand from the projection -----------------------------------------------------------
def _demand_finding(c: ReportContext, base: Beleg, rows: pd.DataFrame, target: int, source: tuple[str, str], rule: dict):
    """A demand finding where the middle variant of ``rows`` (variant, year, value of the table
    ``source[0]``) changes by at least the threshold from ``base`` to ``target``; ``source[1]``
    is its source line."""
    table, quelle = source
    thema = CARE_ID if table == "bedarf_pflege" else base.indicator
    at = rows[rows["year"] == target]
    mid = at.loc[at["variant"] == MIDDLE, "value"]
    if not len(mid) or not base.value:
        return None
    end = Beleg(thema, c.kreis, str(target), "value", float(mid.iloc[0]), table)
    low = Beleg(thema, c.kreis, str(target), "lower", float(at["value"].min()), table)
    high = Beleg(thema, c.kreis, str(target), "upper", float(at["value"].max()), table)
    change = (end.value / base.value - 1) * 100
    if abs(change) < rule["schwelle_prozent"]:
        return None
    werte = {
        "thema": thema,
        "basisjahr": base.period[:4],
        "zieljahr": target,
        "basis": fmt.number(base.value),
        "ziel": fmt.number(end.value),
        "unten": fmt.number(low.value),
        "oben": fmt.number(high.value),
        "steigt": change > 0,
        "prozent": fmt.number(abs(change)),
    }
    return Befund("bedarf", abs(change), werte, quelle, [base, end, low, high], [Ableitung("prozent", (base, end), change)])


def _care_rates_source(c: ReportContext) -> str:
    """The care rates' source as ``pflegequoten.json`` names it."""
    import json

    path = c.data.folder / "pflegequoten.json"
    q = json.loads(path.read_text(encoding="utf-8")).get("quelle", {}) if path.exists() else {}
    return ", ".join(str(q[k]) for k in ("titel", "zitat") if q.get(k)) or "Pflegestatistik"


def demand(c: ReportContext, rule: dict) -> list[Befund]:
    found = []
    projection = "Bevölkerungsprognose dieses Berichts (mittlere Variante; Spanne: Wanderungsvarianten)"
    kids = c.data.table("bedarf_kinder")
    kids = kids[kids["area_id"] == c.kreis] if len(kids) else kids
    if len(kids):
        target, first = int(rule.get("zieljahr") or kids["year"].max()), int(kids["year"].min())
        source = ("bedarf_kinder", c.quelle("bevoelkerung_alter", extra=f" {projection}."))
        for band, thema in CHILD_IDS.items():
            rows = kids[kids["band"] == band]
            start = rows.loc[(rows["year"] == first) & (rows["variant"] == MIDDLE), "value"]
            if len(start):
                base = Beleg(thema, c.kreis, str(first), "value", float(start.iloc[0]), "bedarf_kinder")
                found.append(_demand_finding(c, base, rows, target, source, rule))
    care = c.data.table("bedarf_pflege")
    care = care[care["area_id"] == c.kreis] if len(care) else care
    if len(care):
        target, first = int(rule.get("zieljahr") or care["year"].max()), int(care["year"].min())
        # the base year is the Kreis's own count, to which the projection is calibrated
        count = [(p, v) for p, v, _ in c.data.records("pflegebeduerftige", c.kreis) if int(p[:4]) == first]
        if count:
            base = Beleg("pflegebeduerftige", c.kreis, count[-1][0], "value", float(count[-1][1]), "indikatoren")
        else:
            start = care.loc[(care["year"] == first) & (care["variant"] == MIDDLE), "value"]
            base = Beleg(CARE_ID, c.kreis, str(first), "value", float(start.iloc[0]), "bedarf_pflege")
        extra = f" {projection}; Pflegequoten: {md_text(_care_rates_source(c))}."
        found.append(_demand_finding(c, base, care, target, ("bedarf_pflege", c.quelle("pflege", extra=extra)), rule))
    return [f for f in found if f is not None]


# --- rule "kleinraeumig": significant small-area differences ---------------------------------------------
def small_area(c: ReportContext, rule: dict) -> list[Befund]:
    intervals = c.data.table("intervalle")
    if not len(intervals):
        return []
    intervals = intervals[intervals["area_id"].isin(c.gemeinden)]
    found = []
    for order, ind in enumerate(rule["indikatoren"]):
        rows = intervals[intervals["indicator_id"] == ind]
        if ind not in c.data.catalogue or not len(rows):
            continue
        period = rows["period"].max()
        side = "niedriger" if _entry(c, ind)["direction"] == "higher_is_better" else "höher"
        flagged = rows[(rows["period"] == period) & (rows["flag"] == side)]
        kreis = c.data.value(ind, c.kreis, period)
        if not len(flagged) or math.isnan(kreis):
            continue
        gemeinden = []
        for r in flagged.itertuples():
            value = c.data.value(ind, r.area_id, period)
            gemeinden.append(
                (
                    Beleg(ind, r.area_id, period, "value", value, "indikatoren"),
                    Beleg(ind, r.area_id, period, "lower", float(r.lower), "intervalle"),
                    Beleg(ind, r.area_id, period, "upper", float(r.upper), "intervalle"),
                )
            )
        gemeinden.sort(key=lambda g: (-g[0].value if side == "höher" else g[0].value, c.gemeinden[g[0].area]))
        shown = gemeinden[: rule.get("gemeinden_hoechstens", 5)]
        kreis_beleg = Beleg(ind, c.kreis, period, "value", kreis, "indikatoren")
        rest = gemeinden[len(shown) :]
        counts = [Ableitung("anzahl", tuple(g[1] for g in part), len(part)) for part in (gemeinden, rest) if part]
        entry = _entry(c, ind)
        found.append(
            Befund(
                "kleinraeumig",
                -order,
                {
                    "indikator": ind,
                    "name": entry["name"],
                    "hoeher": side == "höher",
                    "kreis_wert": _shown(c, ind, kreis),
                    "stand": fmt.date(period),
                    "anzahl": len(gemeinden),
                    "weitere": len(gemeinden) - len(shown),
                    "gemeinden": [
                        {
                            "name": c.gemeinden[v.area],
                            "wert": _shown(c, ind, v.value),
                            "unten": fmt.number(lo.value, entry["decimals"]),
                            "oben": fmt.with_unit(hi.value, entry["unit"], entry["decimals"]),
                        }
                        for v, lo, hi in shown
                    ],
                },
                c.eigene_quelle(
                    f"{entry['source'].replace(' des Kreises', ' ' + c.wort['des'])}; 95-%-Intervalle: eigene Berechnung",
                    fmt.date(period),
                ),
                [kreis_beleg, *(b for g in shown for b in g)],
                counts,
            )
        )
    return found


# --- rule "vergleichskreise": outside the comparison group's interquartile range --------------------------
def outside_peers(c: ReportContext, rule: dict) -> list[Befund]:
    table = c.data.table("vergleich")
    if not len(table):
        return []
    wanted = rule.get("indikatoren") or list(table["indicator_id"])
    found = []
    for r in table[table["indicator_id"].isin(wanted) & table["position"].isin(["oberhalb", "unterhalb"])].itertuples():
        ind, above = r.indicator_id, r.position == "oberhalb"
        width = r.p75 - r.p25
        beyond = (r.value - r.p75) if above else (r.p25 - r.value)
        bound = r.p75 if above else r.p25
        value = c.data.value(ind, c.kreis, r.period)
        if ind not in c.data.catalogue or math.isnan(value) or not _differs(c, ind, value, bound):
            continue
        if width > 0 and beyond < rule.get("mindestabstand", 0) * width:
            continue
        belege = [
            Beleg(ind, c.kreis, r.period, "value", value, "indikatoren"),
            Beleg(ind, PEERS, r.period, "value", float(r.median), "vergleich"),
            Beleg(ind, PEERS, r.period, "lower", float(r.p25), "vergleich"),
            Beleg(ind, PEERS, r.period, "upper", float(r.p75), "vergleich"),
        ]
        entry = _entry(c, ind)
        werte = {
            "indikator": ind,
            "name": entry["name"],
            "oberhalb": above,
            "richtung": entry.get("direction", "context"),
            "wert": _shown(c, ind, value),
            "stand": fmt.date(r.period),
            "median": _shown(c, ind, r.median),
            "p25": _shown(c, ind, r.p25),
            "p75": _shown(c, ind, r.p75),
        }
        quelle = _indicator_source(c, ind, fmt.date(r.period), " Vergleichskreise: eigene Berechnung (Kapitel Methodik).")
        found.append(Befund("vergleichskreise", beyond / width if width > 0 else math.inf, werte, quelle, belege))
    return found


# --- rule "landestrend": moved against the Land ------------------------------------------------------------
def _span(records: list[tuple], years: int) -> tuple[tuple, tuple] | None:
    """The newest value and the oldest one at most ``years`` years before it (period, value)."""
    rows = [(p, v) for p, v, _ in records if not (isinstance(v, float) and math.isnan(v))]
    if len(rows) < 2:
        return None
    end = rows[-1]
    start = next((r for r in rows if int(end[0][:4]) - int(r[0][:4]) <= years), None)
    return (start, end) if start is not None and start[0] != end[0] else None


def against_land(c: ReportContext, rule: dict) -> list[Befund]:
    ref = c.bund if c.stadtstaat else c.land
    found = []
    for ind, limits in rule["indikatoren"].items():
        if ind not in c.data.catalogue:
            continue
        span = _span(c.data.records(ind, c.kreis), rule["jahre"])
        if span is None:
            continue
        (p0, k0), (p1, k1) = span
        r0, r1 = c.data.value(ind, ref, p0), c.data.value(ind, ref, p1)
        if math.isnan(r0) or math.isnan(r1):
            continue
        dk, dr = k1 - k0, r1 - r0
        opposite = dk * dr < 0 and min(abs(dk), abs(dr)) >= limits["gegenlaeufig_ab"]
        if abs(dk - dr) < limits["abweichung"] and not opposite:
            continue
        belege = [
            Beleg(ind, a, p, "value", v, "indikatoren")
            for a, p, v in ((c.kreis, p0, k0), (c.kreis, p1, k1), (ref, p0, r0), (ref, p1, r1))
        ]
        werte = {
            "indikator": ind,
            "name": _entry(c, ind)["name"],
            "von": fmt.date(p0),
            "bis": fmt.date(p1),
            "kreis_von": _shown(c, ind, k0),
            "kreis_bis": _shown(c, ind, k1),
            "bezug_von": _shown(c, ind, r0),
            "bezug_bis": _shown(c, ind, r1),
            "kreis_aenderung": _change(c, ind, dk),
            "bezug_aenderung": _change(c, ind, dr),
            "kreis_steigt": dk > 0,
            "bezug_steigt": dr > 0,
            "gegenlaeufig": dk * dr < 0,
            "staerker": abs(dk) > abs(dr),
        }
        quelle = _indicator_source(c, ind, f"{fmt.date(p0)} und {fmt.date(p1)}")
        derived = [Ableitung("differenz", (belege[0], belege[1]), dk), Ableitung("differenz", (belege[2], belege[3]), dr)]
        found.append(Befund("landestrend", abs(dk - dr) / limits["abweichung"], werte, quelle, belege, derived))
    return found


#: The rules by their key in ``handlungsbedarfe`` of config/config.yaml.
RULES = {
    "ziele": targets_missed,
    "bedarf": demand,
    "kleinraeumig": small_area,
    "vergleichskreise": outside_peers,
    "landestrend": against_land,
}


def ranked(settings: dict) -> list[str]:
    """The rules ``settings`` names, by their ``rang``."""
    return [key for _, key in sorted((s["rang"], key) for key, s in settings.items() if key in RULES)]


def rules_for_text(c: ReportContext, settings: dict) -> list[dict]:
    """The rules in order with their thresholds, as the chapter describes them: indicator names
    instead of ids, thresholds with their unit."""
    described = []
    for key in ranked(settings):
        rule = {"regel": key, **settings[key]}
        if key == "kleinraeumig":
            rule["namen"] = [_entry(c, i)["name"] for i in rule["indikatoren"] if i in c.data.catalogue]
            rule.setdefault("gemeinden_hoechstens", 5)
        if key == "vergleichskreise":
            rule.setdefault("mindestabstand", 0)
        if key == "landestrend":
            rule["schwellen"] = [
                {"name": _entry(c, i)["name"], "abweichung": _change(c, i, limits["abweichung"]).lstrip("+")}
                for i, limits in rule["indikatoren"].items()
                if i in c.data.catalogue
            ]
        described.append(rule)
    return described


def findings(c: ReportContext, settings: dict) -> tuple[list[Befund], int]:
    """The findings of every rule ``settings`` names, ordered by the rule's ``rang`` and within a
    rule by weight, at most the rule's and the chapter's ``hoechstens``; and how many were left out."""
    found, left_out = [], 0
    for key in ranked(settings):
        rule = settings[key]
        mine = sorted(RULES[key](c, rule), key=lambda f: -f.gewicht)
        cap = rule.get("hoechstens", len(mine))
        found += mine[:cap]
        left_out += max(0, len(mine) - cap)
    cap = settings.get("hoechstens", len(found))
    return found[:cap], left_out + max(0, len(found) - cap)
