"""Reader for the district-owned small-area data templates (CSV or a sheet of an XLSX workbook).

A template (``config/district_inputs.yaml``) names the area column (12-digit ARS of the
Gemeinde), the period column (date or year), dimension columns and count columns. Each count
becomes one tidy row with the variable ``<count column> | <dimension values…>``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from sozialbericht.errors import InputError
from sozialbericht.io.text import read_text
from sozialbericht.tidy import parse_period, to_frame

_INT = re.compile(r"^-?\d+$")
_DEC = re.compile(r"^-?\d+([.,]\d+)?$")
_MARKERS = {".", "-", "x", "/", "..."}


def _rows_csv(path: Path) -> list[list[str]]:
    text = read_text(path)
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return [r for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _rows_xlsx(path: Path, sheet: str) -> list[list[str]]:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(path, f"cannot open the workbook ({type(exc).__name__})", expected="an .xlsx file",
                         hint="open it in Excel or LibreOffice and save it again as .xlsx") from None
    try:
        if sheet not in wb.sheetnames:
            raise InputError(path, f"sheet '{sheet}' not found", found=wb.sheetnames, expected=f"a sheet named '{sheet}'")
        rows = [["" if c is None else (str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)) for c in r]
                for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    return rows


def read_district_table(path: str | Path, name: str, spec: dict) -> pd.DataFrame:
    """Read one district file into the tidy format; errors name the file, line, column and value."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "district input file not found", expected=f"the template '{spec['file']}'",
                         hint="see data/raw/README.md for the templates, or run `sozialbericht generate` for example data")
    rows = _rows_xlsx(path, spec["sheet"]) if "sheet" in spec else _rows_csv(path)
    where = f"sheet '{spec['sheet']}', row" if "sheet" in spec else "line"
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(path, "the file has no header and no data", expected="a header row and data rows")
    header = [c.strip().lower() for c in rows[0]]
    needed = [spec["area"], spec["period"], *spec.get("dimensions", []), *spec["values"]]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(path, "required column(s) missing", where=f"{where} 1 (header)", column=", ".join(missing),
                         found=rows[0][:12], expected=f"the columns {', '.join(needed)} (extra columns are allowed)",
                         hint="compare the header with the template in data/raw/README.md")
    col = {c: header.index(c) for c in needed}
    allowed = spec.get("allowed", {})
    source = f"{name} ({path.name})"
    records = []
    for i, r in enumerate(rows[1:], start=2):
        r = r + [""] * (len(header) - len(r))
        ars = r[col[spec["area"]]].strip()
        if not re.fullmatch(r"\d{12}", ars):
            raise InputError(path, "invalid Gemeinde key", where=f"{where} {i}", column=spec["area"], found=ars,
                             expected="the 12-digit Amtlicher Regionalschlüssel (ARS) as text, with leading zeros",
                             hint="in Excel, format the column as text so that leading zeros are kept")
        period = parse_period(r[col[spec["period"]]])
        if period is None:
            raise InputError(path, "invalid reference date or year", where=f"{where} {i}", column=spec["period"],
                             found=r[col[spec["period"]]], expected="YYYY-MM-DD, DD.MM.YYYY or YYYY")
        dims = []
        for d in spec.get("dimensions", []):
            value = r[col[d]].strip()
            if not value or (d in allowed and value not in allowed[d]):
                raise InputError(path, "invalid category", where=f"{where} {i}", column=d, found=value,
                                 expected=f"one of {allowed[d]}" if d in allowed else "a non-empty label")
            dims.append(value)
        for v, unit in spec["values"].items():
            cell = r[col[v]].strip()
            if cell in _MARKERS:
                value, flag = float("nan"), cell
            elif (_INT if unit == "Anzahl" else _DEC).match(cell):
                value, flag = float(cell.replace(",", ".")), ""
            else:
                raise InputError(path, "value is not a number", where=f"{where} {i}, Gemeinde {ars}", column=v, found=cell,
                                 expected="a whole number (count)" if unit == "Anzahl" else "a number",
                                 hint="remove units, spaces and thousands separators; use '.' for a value that is unknown")
            records.append({"area_id": ars, "area_name": "", "area_level": "gemeinde", "period": period,
                            "variable": " | ".join([v, *dims]), "unit": unit, "value": value, "flag": flag,
                            "source": source, "row": i})
    if not records:
        raise InputError(path, "the file has a header but no data rows", expected="one row per Gemeinde and period")
    df = to_frame(records)
    return df.sort_values(["area_id", "period", "variable", "row"], kind="stable").reset_index(drop=True)
