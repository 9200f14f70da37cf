"""Reader for the district-owned small-area data templates (CSV or a sheet of an XLSX workbook).

A template (``config/district_inputs.yaml``) names the area column (12-digit ARS of the
Gemeinde), the period column (date or year), dimension columns and count columns. Each count
becomes one tidy row with the variable ``<count column> | <dimension values…>``; the dimensions
named in ``key_columns`` (the provider and the counselling field) are not joined into the variable
but kept in columns of their own (tidy.KEY_COLUMNS).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError
from sozialbericht.core.text import read_text
from sozialbericht.core.tidy import KEY_COLUMNS, parse_period, to_frame
from sozialbericht.ingest.xlsx import read_sheet

_INT = re.compile(r"^-?\d+$")
_DEC = re.compile(r"^-?\d+([.,]\d+)?$")
_MARKERS = {".", "-", "x", "/", "..."}


def _rows_csv(path: Path) -> list[list[str]]:
    text = read_text(path)
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return [r for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def rows_xlsx(path: Path, sheet: str, limits: dict | None = None) -> list[list[str]]:
    """The cells of a sheet as stripped text (whole numbers without ".0"; empty cells "")."""
    return [
        ["" if c is None else (str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)).strip() for c in r]
        for r in read_sheet(path, sheet, limits)
    ]


def read_district_table(path: str | Path, name: str, spec: dict) -> pd.DataFrame:
    """Read one district file into the tidy format; errors name the file, line, column and value."""
    path = Path(path)
    rows, where = _template_rows(path, spec)
    header, col = _template_columns(path, rows, spec, where)
    keys = [k for k in KEY_COLUMNS if k in spec.get("key_columns", [])]
    source = f"{name} ({path.name})"
    records = []
    for i, r in enumerate(rows[1:], start=2):
        r = r + [""] * (len(header) - len(r))
        records += _row_records(path, f"{where} {i}", i, r, spec, col, keys, source)
    if not records:
        raise InputError(
            path, "die Datei hat eine Kopfzeile, aber keine Datenzeilen", expected="eine Zeile je Gemeinde und Stichtag"
        )
    df = to_frame(records)
    for k in keys:
        df[k] = [r[k] for r in records]
    return df.sort_values(["area_id", "period", "variable", *keys, "row"], kind="stable").reset_index(drop=True)


def _template_rows(path: Path, spec: dict) -> tuple[list[list[str]], str]:
    """The non-empty rows of a district file (its sheet, or the CSV) and how a message names a
    line of it."""
    if not path.exists():
        raise InputError(
            path,
            "Datei der kleinräumigen Daten nicht gefunden",
            expected=f"die Vorlage „{spec['file']}“",
            hint="die Vorlagen stehen in data/raw/README.md; Beispieldaten erzeugt `sozialbericht generate`",
        )
    rows = rows_xlsx(path, spec["sheet"]) if "sheet" in spec else _rows_csv(path)
    where = f"Blatt „{spec['sheet']}“, Zeile" if "sheet" in spec else "Zeile"
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(path, "die Datei hat weder Kopfzeile noch Daten", expected="eine Kopfzeile und Datenzeilen")
    return rows, where


def _template_columns(path: Path, rows: list[list[str]], spec: dict, where: str) -> tuple[list[str], dict[str, int]]:
    """The header (lower case) and the index of every column the template needs."""
    header = [c.strip().lower() for c in rows[0]]
    needed = [spec["area"], spec["period"], *spec.get("dimensions", []), *spec["values"]]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(
            path,
            "Pflichtspalte(n) fehlen",
            where=f"{where} 1 (Kopfzeile)",
            column=", ".join(missing),
            found=rows[0][:12],
            expected=f"die Spalten {', '.join(needed)} (weitere Spalten sind erlaubt)",
            hint="die Kopfzeile mit der Vorlage in data/raw/README.md vergleichen",
        )
    return header, {c: header.index(c) for c in needed}


def _row_records(
    path: Path, line: str, i: int, r: list[str], spec: dict, col: dict[str, int], keys: list[str], source: str
) -> list[dict]:
    """The tidy records of one data row (file line ``i``, named ``line`` in messages): one per
    count column, the key columns ``keys`` in columns of their own."""
    ars = _gemeinde(path, line, r[col[spec["area"]]].strip(), spec)
    period = _period(path, line, r[col[spec["period"]]], spec)
    dims, own = _dimensions(path, line, r, spec, col, keys)
    records = []
    for v, unit in spec["values"].items():
        value, flag = _value(path, f"{line}, Gemeinde {ars}", v, r[col[v]].strip(), unit)
        records.append(
            {
                "area_id": ars,
                "area_name": "",
                "area_level": "gemeinde",
                "period": period,
                "variable": " | ".join([v, *dims]),
                "unit": unit,
                "value": value,
                "flag": flag,
                "source": source,
                "row": i,
                **own,
            }
        )
    return records


def _gemeinde(path: Path, line: str, ars: str, spec: dict) -> str:
    """The Gemeinde's 12-digit ARS."""
    if not re.fullmatch(r"\d{12}", ars):
        raise InputError(
            path,
            "ungültiger Gemeindeschlüssel",
            where=line,
            column=spec["area"],
            found=ars,
            expected="den zwölfstelligen Amtlichen Regionalschlüssel (ARS) als Text mit führenden Nullen",
            hint="in Excel die Spalte als Text formatieren, damit führende Nullen erhalten bleiben",
        )
    return ars


def _period(path: Path, line: str, cell: str, spec: dict) -> str:
    """The reference date or year: a stock has the agreed day of its template (``stichtag``), a
    table of a year's events has no day at all."""
    period = parse_period(cell)
    if period is not None and len(period) == 10 and period[5:] != spec.get("stichtag"):
        raise InputError(
            path,
            "Stichtag ist nicht der vereinbarte Tag des Jahres"
            if spec.get("stichtag")
            else "ein Datum, wo die Vorlage ein Jahr erwartet",
            where=line,
            column=spec["period"],
            found=cell,
            expected=f"den Stichtag {spec['stichtag'][3:]}.{spec['stichtag'][:2]}. eines Jahres (oder JJJJ)"
            if spec.get("stichtag")
            else "das Jahr JJJJ (die Tabelle zählt ein ganzes Jahr)",
            hint="die Daten zum Stichtag der Vorlage (data/raw/README.md) abrufen"
            if spec.get("stichtag")
            else "nur das Jahr eintragen, z. B. 2020",
        )
    if period is None:
        raise InputError(
            path,
            "ungültiger Stichtag oder ungültiges Jahr",
            where=line,
            column=spec["period"],
            found=cell,
            expected="JJJJ-MM-TT, TT.MM.JJJJ oder JJJJ",
        )
    return period


def _dimensions(
    path: Path, line: str, r: list[str], spec: dict, col: dict[str, int], keys: list[str]
) -> tuple[list[str], dict[str, str]]:
    """The row's dimension values: those joined into the variable, and the key columns (provider,
    field) kept apart."""
    allowed = spec.get("allowed", {})
    dims, own = [], {}
    for d in spec.get("dimensions", []):
        value = r[col[d]].strip()
        if not value or (d in allowed and value not in allowed[d]) or "|" in value:
            raise InputError(
                path,
                "ungültige Ausprägung",
                where=line,
                column=d,
                found=value,
                expected=f"eine von {', '.join(map(str, allowed[d]))}"
                if d in allowed
                else "eine nicht leere Bezeichnung ohne „|“ (das Zeichen trennt die Merkmale eines Werts)",
            )
        if d in keys:
            own[d] = value
        else:
            dims.append(value)
    return dims, own


def _value(path: Path, where: str, column: str, cell: str, unit: str) -> tuple[float, str]:
    """A count (whole number) or other number, or an official marker (value NaN)."""
    if cell in _MARKERS:
        return float("nan"), cell
    if (_INT if unit == "Anzahl" else _DEC).match(cell):
        return float(cell.replace(",", ".")), ""
    raise InputError(
        path,
        "Wert ist keine Zahl",
        where=where,
        column=column,
        found=cell,
        expected="eine ganze Zahl (Anzahl)" if unit == "Anzahl" else "eine Zahl",
        hint="Einheiten, Leerzeichen und Tausenderpunkte entfernen; „.“ für einen unbekannten Wert eintragen",
    )
