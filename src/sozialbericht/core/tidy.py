"""The tidy long format shared by every staged table, and the parsing of official codes and markers.

Columns: ``area_id`` (ARS/AGS string, never an int), ``area_name``, ``area_level`` (bund, land,
regierungsbezirk, kreis, gemeindeverband, gemeinde), ``period`` (ISO date ``YYYY-MM-DD`` of the
reference date, or ``YYYY`` for annual averages), ``variable``, ``unit``, ``value`` (float, NaN
when the source had no number), ``flag`` (official marker, empty when none), ``source`` (table code
and file) and ``row`` (line or row number in the source file, for error messages).

The counselling tables (``beratung_faelle``, ``beratung_stellen``) have two key columns more
(``KEY_COLUMNS``): ``traeger``, the provider's Kennung (``KENNUNG``: lower-case letters, digits
and ``-``), and ``beratungsfeld``, one of the counselling fields of config/beratung.yaml. Their
``variable`` is the measure alone (``faelle``, ``mehrfachproblematik``, ``vzae``): provider and
field are never parts of a string, so whatever a provider writes cannot make its cases count as
another provider's or another field's, and consumers select them by column.
"""

from __future__ import annotations

import datetime
import math
import re

import pandas as pd

TIDY_COLUMNS = ["area_id", "area_name", "area_level", "period", "variable", "unit", "value", "flag", "source", "row"]
#: Key columns of the counselling tables beyond the tidy columns (appended after them).
KEY_COLUMNS = ["traeger", "beratungsfeld"]
#: A provider's Kennung: the key of its data (``ingest.counselling.workbook.slug`` makes one from a name).
KENNUNG = r"[a-z0-9]+(?:-[a-z0-9]+)*"

#: Official GENESIS markers ("Zeichenerklärung") and their German meaning.
MARKERS = {
    "-": "nichts vorhanden (genau null)",
    ".": "Zahlenwert unbekannt oder geheim zu halten",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "/": "keine Angaben, da Zahlenwert nicht sicher genug",
    "...": "Angabe fällt später an",
    "p": "vorläufige Zahl",
    "r": "berichtigte Zahl",
}
_NUMBER = re.compile(r"^(-?\d+(?:,\d+)?)(?:\s*([pr]))?$")
_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_AREA = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$")
_LEVEL_BY_LENGTH = {2: "land", 3: "regierungsbezirk", 5: "kreis", 8: "gemeinde", 9: "gemeindeverband", 12: "gemeinde"}


def parse_value(text: str) -> tuple[float, str] | None:
    """Parse a GENESIS cell: ``"6,1"`` → (6.1, ""), ``"."`` → (nan, "."), ``"12p"`` → (12.0, "p").

    Returns None when the cell is neither a number nor an official marker.
    """
    s = text.strip().replace("\u2026", "...")
    m = _NUMBER.match(s)
    if m:
        return float(m.group(1).replace(",", ".")), m.group(2) or ""
    if s in MARKERS and s not in ("p", "r"):
        return math.nan, s
    return None


def parse_period(text: str) -> str | None:
    """``"31.12.2020"`` → ``"2020-12-31"``; ``"2020"`` → ``"2020"``; ISO dates pass; else None."""
    s = text.strip()
    m = _DATE.match(s)
    iso = f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else s
    if re.match(r"^\d{4}-\d{2}-\d{2}$", iso):
        try:
            datetime.date.fromisoformat(iso)  # rejects 31.13.2020 and 30.02.2020
        except ValueError:
            return None
        return iso
    return s if _YEAR.match(s) else None


def is_area_code(text: str) -> bool:
    return bool(_AREA.match(text.strip()))


def area_level(area_id: str) -> str:
    """The administrative level of an official area key (``DG`` = Germany)."""
    if area_id == "DG":
        return "bund"
    if "-" in area_id:
        return "sozialraum"  # planning areas: "<Kreisschlüssel>-<id>" (district config)
    return _LEVEL_BY_LENGTH.get(len(area_id), "unbekannt")


def period_year(period: str) -> int:
    return int(str(period)[:4])


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in TIDY_COLUMNS})


def to_frame(records: list[dict]) -> pd.DataFrame:
    """Build a tidy table with the canonical column order and dtypes (strings stay strings)."""
    if not records:
        return empty_frame()
    df = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    df["value"] = df["value"].astype("float64")
    df["row"] = df["row"].astype("int64")
    for col in ("area_id", "area_name", "area_level", "period", "variable", "unit", "flag", "source"):
        df[col] = df[col].astype(str)
    return df
