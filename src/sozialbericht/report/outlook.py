"""What the report says about the Kreis's comparable Kreise and the demand that follows from its
projection, as the chapter "Vergleichskreise", the Zusammenfassung and "Auf einen Blick" print it.

Read from the district's work folder (files of ``compute/district_outlook.py``):

- :func:`comparison`: the group (``vergleichskreise.csv``) and the comparison table of the key
  indicators (``vergleich.csv``), each row with the Kreis's value as the indicator table has it
  and the group's median, P25 and P75 in the indicator's unit and decimals;
- :func:`demand`: children in Kita age and expected people in need of care, now and in the
  target year (``bedarf_kinder.csv``, ``bedarf_pflege.csv``): the middle migration variant with
  the range of the three variants.

Both give ``None`` where the work folder lacks the files (report years before the comparison or
the projection, a Kreis without a group), and the texts leave the passage out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from sozialbericht.compute.demand import MIDDLE
from sozialbericht.core import formatting as fmt
from sozialbericht.report.values import Indikator, Wert

if TYPE_CHECKING:
    from sozialbericht.report.data import DistrictData

#: ``position`` of ``vergleich.csv`` (compute/peers.py).
ABOVE, INSIDE, BELOW = "oberhalb", "innerhalb", "unterhalb"
#: The source of a group (``quelle`` of ``vergleichskreise.csv``): the district named it itself.
OWN_GROUP = "Kreiskonfiguration"
#: The middle migration variant of the projection.
#: The band of the children in Kita age (``compute.demand.CHILD_BANDS``).
KITA_BAND = "3 bis 5 Jahre (Kita)"
_WORDS = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf")


def number_word(n: int) -> str:
    """A count as a German text writes it: "zehn" up to twelve, digits above ("15")."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else fmt.number(n)


@dataclass(frozen=True)
class Kennzahl:
    """One row of the comparison table as the texts print it: ``wert`` is the Kreis's value of the
    indicator table (``{{ z.wert }}`` with unit, ``z.wert.zahl`` without); ``median``, ``p25``,
    ``p75`` the group's; ``rang`` of ``von`` (the Kreis and the members with a value; 1 = the
    highest value); ``lage``: ``oberhalb`` / ``innerhalb`` / ``unterhalb`` the interquartile
    range, empty without group values."""

    id: str
    name: str
    titel: str  # the name with its unit, as a table header
    stand: str  # the Kreis value's reference date (German)
    wert: Wert
    median: Wert
    p25: Wert
    p75: Wert
    rang: int | None
    von: int
    lage: str


@dataclass(frozen=True)
class Vergleich:
    """The Kreis's comparison group and table."""

    gruppe: pd.DataFrame  # vergleichskreise.csv: rank, area_id, area_name, land, land_name, distance, quelle
    kennzahlen: list[Kennzahl]

    @property
    def anzahl(self) -> int:
        return len(self.gruppe)

    @property
    def eigene(self) -> bool:
        """Whether the district named its group itself (its configuration's ``vergleichskreise``)."""
        return bool((self.gruppe["quelle"] == OWN_GROUP).any())

    def lage(self, position: str) -> list[Kennzahl]:
        return [k for k in self.kennzahlen if k.lage == position]

    def kurz(self) -> dict:
        """What the Zusammenfassung and "Auf einen Blick" say: the size of the group (as a word),
        whether the district chose it, the indicators above and below the middle range and how
        many lie inside it."""
        inside = len(self.lage(INSIDE))
        return {
            "anzahl": self.anzahl,
            "anzahl_wort": number_word(self.anzahl),
            "eigene": self.eigene,
            "kennzahlen_wort": number_word(len(self.kennzahlen)),
            "oberhalb": self.lage(ABOVE),
            "unterhalb": self.lage(BELOW),
            "innerhalb": inside,
            "innerhalb_wort": number_word(inside),
        }


def _unit_name(entry: dict) -> str:
    unit, name = entry["unit"], entry["name"]
    return name if unit == "Anzahl" or unit in name else f"{name} ({unit})"


def _kennzahl(data: DistrictData, row) -> Kennzahl:
    entry = data.catalogue[row.indicator_id]
    ind = Indikator(data, row.indicator_id)
    wert = ind.gebiet(data.kreis, row.period or None)
    if wert.fehlt and not pd.isna(row.value):  # not in the district's table: the comparison's own value
        wert = Wert(float(row.value), ind.einheit, ind.stellen, "", row.period, ind.mit_vorzeichen)

    def group(x) -> Wert:
        return Wert(None if pd.isna(x) else float(x), ind.einheit, ind.stellen, "–", "", ind.mit_vorzeichen)

    n = 0 if pd.isna(row.n) else int(row.n)
    lage = row.position if row.position in (ABOVE, INSIDE, BELOW) else ""
    median, p25, p75 = group(row.median), group(row.p25), group(row.p75)
    bound = p75 if lage == ABOVE else p25 if lage == BELOW else None
    digits = _digits(wert, bound)
    wert, median, p25, p75 = (replace(w, stellen=digits) for w in (wert, median, p25, p75))
    return Kennzahl(
        id=row.indicator_id,
        name=entry["name"],
        titel=_unit_name(entry),
        stand=fmt.date(row.period) if row.period else "",
        wert=wert,
        median=median,
        p25=p25,
        p75=p75,
        rang=None if pd.isna(row.rank) else int(row.rank),
        von=n + 1,
        lage=lage,
    )


def _digits(wert: Wert, bound: Wert | None, more: int = 2) -> int:
    """The decimals of a row: the indicator's, or up to ``more`` more where the Kreis's value lies
    outside the middle range but prints like the bound it crossed (−4,7 below a P25 of −4,7)."""
    digits = wert.stellen
    if bound is None or wert.fehlt or bound.fehlt:
        return digits
    while digits < wert.stellen + more and replace(wert, stellen=digits).zahl == replace(bound, stellen=digits).zahl:
        digits += 1
    return digits


def comparison(data: DistrictData) -> Vergleich | None:
    """The group and its comparison table, or ``None`` without a group or without any group value
    (indicators not in the district's catalogue are left out)."""
    group, table = data.table("vergleichskreise"), data.table("vergleich")
    if not len(group) or not len(table):
        return None
    table = table[table["indicator_id"].isin(data.catalogue)]
    table = table.assign(
        period=table["period"].fillna("").astype(str),
        n=pd.to_numeric(table["n"], errors="coerce"),
        rank=pd.to_numeric(table["rank"], errors="coerce"),
    )
    rows = [_kennzahl(data, r) for r in table.itertuples(index=False)]
    if not any(k.von > 1 for k in rows):
        return None
    return Vergleich(group.sort_values("rank", kind="stable").reset_index(drop=True), rows)


# --- demand -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bedarf:
    """A demand now and in the target year: ``heute`` at ``stand`` (the base: the projection's
    first year, the care statistics' count), ``wert`` in ``jahr`` (middle variant), ``von`` –
    ``bis`` the range of the migration variants in ``jahr``."""

    heute: float
    stand: str
    wert: float
    jahr: int
    von: float
    bis: float

    @property
    def veraenderung(self) -> float:
        """The change from now to the target year in % (middle variant)."""
        return (self.wert / self.heute - 1) * 100 if self.heute else math.nan

    @property
    def richtung(self) -> int:
        """+1 where the middle variant rises, −1 where it falls, 0 where both round to the same
        whole number (as printed)."""
        a, b = round(self.heute), round(self.wert)
        return (b > a) - (b < a)


def _demand(rows: pd.DataFrame, stand: str | None = None) -> Bedarf | None:
    """``rows``: one series (variant, year, value); ``None`` without the middle variant."""
    if not len(rows) or MIDDLE not in set(rows["variant"]):
        return None
    first, last = int(rows["year"].min()), int(rows["year"].max())
    if first == last:
        return None
    middle = rows[rows["variant"] == MIDDLE].set_index("year")["value"]
    end = rows[rows["year"] == last]["value"]
    stand = stand or fmt.date(f"{first}-12-31")
    return Bedarf(float(middle[first]), stand, float(middle[last]), last, float(end.min()), float(end.max()))


def demand(data: DistrictData) -> dict[str, Bedarf | None]:
    """``kita``: the children in Kita age (3 to 5 years) at the end of the report year and in the
    target year; ``pflege``: the people in need of care at the care statistics' date and expected
    in the target year. Each ``None`` where its table is missing."""
    kinder, pflege = data.table("bedarf_kinder"), data.table("bedarf_pflege")
    kita = care = None
    if len(kinder):
        kita = _demand(kinder[(kinder["area_id"] == data.kreis) & (kinder["band"] == KITA_BAND)])
    if len(pflege):
        rows = pflege[pflege["area_id"] == data.kreis]
        latest = data.context.get("periods", {}).get("pflege", {}).get("latest", "")
        base = str(int(rows["year"].min())) if len(rows) else ""
        care = _demand(rows, fmt.date(latest) if base and latest[:4] == base else None)
    return {"kita": kita, "pflege": care}
