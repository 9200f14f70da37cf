"""How the report shows whether a small-area rate differs from the Kreis value.

Every small-area share or rate of events has a 95 % interval and a flag against the Kreis value
of the same indicator and date (``compute/intervals.py``; published as ``comparison`` in
``indikatoren.csv``): *höher*, *ähnlich* or *niedriger*. The report shows it in three places:

- **tables**: a symbol after the value (:data:`SYMBOLS`: ▲ höher, ▼ niedriger, none for ähnlich;
  DejaVu Sans, the font of the PDF and the charts, has both glyphs in all four faces), explained
  in a note under the table (:func:`table_note`) that names the columns with intervals, so a
  value without a symbol is never ambiguous, and never by colour;
- **maps**: the Gemeinden whose value is *ähnlich* are hatched (:data:`SIMILAR_HATCH`), said in
  the legend and the alternative text;
- **sentences that rank Gemeinden**: :func:`ranking` gives the highest and the lowest value with
  their flags and the Gemeinden above and below the Kreis value, so that a text names only
  differences that are statistically sure, or says that they are not.

The Kreis's own row (its comparison against its Vergleichskreise) is not a small-area flag and
is never shown here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sozialbericht.compute.intervals import HIGHER, LOWER, SIMILAR
from sozialbericht.core import formatting as fmt
from sozialbericht.report.names import german_list

#: The symbol after a table value per flag (no symbol for "ähnlich").
SYMBOLS = {HIGHER: "▲", LOWER: "▼"}
#: The hatching of a Gemeinde whose value is not different from the Kreis value (diagonals
#: falling to the right: the social index map hatches "///" and ".." and marks unsure classes by a
#: dashed outline, so the patterns stay apart).
SIMILAR_HATCH = "\\\\\\"
#: The map legend's entry of the hatching.
SIMILAR_LABEL = "schraffiert: nicht gesichert vom Kreiswert verschieden"


def mark(cell: str, flag: str) -> str:
    """A table cell with the symbol of its flag (a no-break space before it), or as it is."""
    return f"{cell}\u00a0{SYMBOLS[flag]}" if flag in SYMBOLS else cell


def table_note(columns: list[str], des: str = "des Kreises", land: bool = False, every: bool = False) -> str:
    """The note under a table whose ``columns`` (names) carry symbols, as a paragraph of its own;
    "" without any. ``des``: the district's word in the genitive ("des Kreises", "der Stadt");
    ``land``: the table has a row of the Land (never compared either); ``every``: all the table's
    value columns carry symbols (then they are not listed)."""
    if not columns:
        return ""
    if every and len(columns) > 1:
        where = "alle Spalten"
    else:
        where = f"Spalte{'n' if len(columns) > 1 else ''} " + german_list([f"„{c}“" for c in columns])
    rows = f"die Zeilen {des} und des Landes" if land else f"die Zeile {des}"
    return (
        f"\n\n*Zeichen hinter einem Wert ({where}): "
        f"{SYMBOLS[HIGHER]} statistisch gesichert höher, {SYMBOLS[LOWER]} statistisch gesichert niedriger als der Wert "
        f"{des} (das 95-%-Konfidenzintervall liegt ganz darüber bzw. darunter); ohne Zeichen: kein gesicherter "
        f"Unterschied. Nicht verglichen werden {rows} sowie geheimgehaltene Werte. "
        "Methode: Abschnitt „Methodik und Quellen“.*"
    )


@dataclass(frozen=True)
class Rang:
    """One Gemeinde of a ranking: its name, its value as the text prints it (without unit) and its
    flag against the Kreis value."""

    name: str
    wert: str
    flag: str = ""

    @property
    def gesichert(self) -> bool:
        """The value differs from the Kreis value (its interval excludes it)."""
        return self.flag in (HIGHER, LOWER)

    @property
    def aehnlich(self) -> bool:
        return self.flag == SIMILAR


@dataclass(frozen=True)
class Rangfolge:
    """The values of an indicator across areas, for the sentences that rank them: the lowest and
    the highest (:class:`Rang`), the areas statistically above and below the Kreis value
    (``hoeher``, ``niedriger``: names in order of value, highest first) and how many are not
    different (``aehnlich``) or have no interval (``ohne``)."""

    niedrigste: Rang
    hoechste: Rang
    gesamt: int
    hoeher: list[str] = field(default_factory=list)
    niedriger: list[str] = field(default_factory=list)
    aehnlich: int = 0
    ohne: int = 0

    @property
    def mit_intervall(self) -> int:
        return self.gesamt - self.ohne


def ranking(values: dict[str, float], flags: dict[str, str], names: dict[str, str], decimals: int = 1) -> Rangfolge | None:
    """The :class:`Rangfolge` of ``values`` (area id → value; missing values left out) with their
    ``flags`` (area id → höher / ähnlich / niedriger, "" or absent: no interval); None without values."""
    known = sorted(((v, a) for a, v in values.items() if v == v and v is not None), key=lambda t: (t[0], names.get(t[1], t[1])))
    if not known:
        return None

    def rang(pair):
        return Rang(names.get(pair[1], pair[1]), fmt.number(pair[0], decimals), flags.get(pair[1], ""))

    by_flag = {f: [names.get(a, a) for _, a in reversed(known) if flags.get(a, "") == f] for f in (HIGHER, SIMILAR, LOWER)}
    return Rangfolge(
        niedrigste=rang(known[0]),
        hoechste=rang(known[-1]),
        gesamt=len(known),
        hoeher=by_flag[HIGHER],
        niedriger=by_flag[LOWER],
        aehnlich=len(by_flag[SIMILAR]),
        ohne=sum(1 for _, a in known if flags.get(a, "") not in (HIGHER, SIMILAR, LOWER)),
    )


def qualifier(r: Rang, extreme: str) -> str:
    """What a sentence adds to the highest (``extreme`` = höher) or lowest (niedriger) value it
    names: nothing where it differs from the Kreis value in that direction, else that it does not."""
    if not r.flag or r.flag == extreme:
        return ""
    return "; vom Kreiswert nicht gesichert verschieden" if r.flag == SIMILAR else f"; gesichert {r.flag} als der Kreiswert"
