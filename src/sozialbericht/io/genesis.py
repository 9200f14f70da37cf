"""Readers for the two GENESIS download formats: "Tabelle als CSV" and the flat file "ffcsv".

Both are generic over table codes: the layout (label columns, multi-row column headers, unit,
period and area columns) is read from the file, not configured per table.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from sozialbericht.errors import InputError
from sozialbericht.io.text import read_text
from sozialbericht.tidy import area_level, is_area_code, parse_period, parse_value, to_frame

_FOOTER = re.compile(r"^_{5,}$")
_UNITS = {"Anzahl", "Prozent", "%", "Tsd.", "1000", "EUR", "Euro", "km²", "km2", "Jahre", "Personen", "Promille"}
_TITLE_UNIT = re.compile(r"\(([^()]+)\)\s*$")


def read_genesis_csv(path: str | Path) -> pd.DataFrame:
    """Read a GENESIS "Tabelle als CSV" download into the tidy long format.

    Layout of the format: line 1 ``GENESIS-Tabelle: <code>``; title and statistic lines; one or more
    column-header rows whose first (label) fields are empty; data rows whose label fields carry the
    period, the area key, the area name (indented by hierarchy level) and any further row
    dimensions (e.g. sex); a footer after a line of underscores. Official markers are kept as flags.
    """
    path = Path(path)
    lines = read_text(path).split("\n")
    first = lines[0].split(";")[0].strip()
    if not first.startswith("GENESIS-Tabelle:"):
        raise InputError(path, "not a GENESIS 'Tabelle als CSV' file", where="Zeile 1", found=lines[0][:80],
                         expected="first line 'GENESIS-Tabelle: <Tabellencode>'",
                         hint="download the table again as 'CSV' (not 'Flat-CSV' or XLSX) from GENESIS")
    code = first.split(":", 1)[1].strip()
    footer = next((i for i, line in enumerate(lines) if _FOOTER.match(line.replace(";", "").strip())), None)
    if footer is None:
        raise InputError(path, "footer line '__________' not found: the file is truncated or not a GENESIS table",
                         where=f"end of file (line {len(lines)})", expected="a line of underscores after the last data row",
                         hint="download the table again; a cut-off download loses the footer")
    rows = list(csv.reader(io.StringIO("\n".join(lines[:footer])), delimiter=";"))
    source = f"{code} ({path.name})"

    # Split the body into metadata, header rows and data rows.
    header_idx = [i for i, r in enumerate(rows) if i > 0 and r and not r[0].strip() and any(c.strip() for c in r)]
    if not header_idx:
        raise InputError(path, "no column header rows found", where="lines 2ff.",
                         expected="rows starting with ';' that name the value columns")
    first_h, last_h = header_idx[0], header_idx[-1]
    if header_idx != list(range(first_h, last_h + 1)):
        raise InputError(path, "column header rows are not contiguous", where=f"lines {first_h + 1}-{last_h + 1}",
                         expected="the header rows directly above the data")
    headers = [rows[i] for i in header_idx]
    n_cols = max(len(h) for h in headers)
    headers = [h + [""] * (n_cols - len(h)) for h in headers]
    n_label = min(next((j for j, c in enumerate(h) if c.strip()), n_cols) for h in headers)
    metadata = [r[0].strip() for r in rows[1:first_h] if r and r[0].strip()]

    unit_rows = [k for k, h in enumerate(headers) if all(c.strip() in _UNITS for c in h[n_label:] if c.strip())]
    period_rows = [k for k, h in enumerate(headers) if k not in unit_rows
                   and all(parse_period(c) for c in h[n_label:] if c.strip())]
    title_unit = next((m.group(1) for line in metadata if (m := _TITLE_UNIT.search(line))), "")
    col_units, col_labels, col_periods = [], [], []
    for j in range(n_label, n_cols):
        col_units.append(next((headers[k][j].strip() for k in unit_rows), title_unit))
        col_periods.append(next((parse_period(headers[k][j]) for k in period_rows), None))
        parts = [headers[k][j].strip() for k in range(len(headers)) if k not in unit_rows and k not in period_rows]
        col_labels.append(" | ".join(p for p in parts if p))

    data = [(i, r) for i, r in enumerate(rows) if i > last_h and r and any(c.strip() for c in r)]
    if not data:
        raise InputError(path, "the table has no data rows", where=f"after line {last_h + 1}",
                         expected="rows with period, area key, area name and values")
    probe = data[0][1]
    period_col = next((j for j in range(n_label) if parse_period(probe[j])), None)
    area_col = next((j for j in range(n_label) if is_area_code(probe[j])), None)
    if area_col is None or (period_col is None and not period_rows):
        raise InputError(path, "cannot find the period and area columns", where=f"line {data[0][0] + 1}",
                         found=";".join(probe[:n_label]),
                         expected="a reference date (31.12.2020) or year and an official area key (DG, 15, 15085)")
    name_col = area_col + 1 if area_col + 1 < n_label else None
    dim_cols = [j for j in range(n_label) if j not in (period_col, area_col, name_col)]

    records = []
    for i, r in data:
        line_no = i + 1
        if len(r) != n_cols:
            raise InputError(path, f"row has {len(r)} fields, expected {n_cols}", where=f"line {line_no}",
                             found=";".join(r)[:120], hint="the row is cut off or the table layout has changed")
        area_id = r[area_col].strip()
        if not is_area_code(area_id):
            raise InputError(path, "invalid area key", where=f"line {line_no}", column="area key", found=area_id,
                             expected="DG or an official key with 2, 3, 5, 8, 9 or 12 digits")
        row_period = parse_period(r[period_col]) if period_col is not None else None
        if period_col is not None and row_period is None:
            raise InputError(path, "invalid reference date", where=f"line {line_no}", column="period",
                             found=r[period_col], expected="DD.MM.YYYY or YYYY")
        dims = [r[j].strip() for j in dim_cols if r[j].strip()]
        name = r[name_col].strip() if name_col is not None else ""
        for k, j in enumerate(range(n_label, n_cols)):
            parsed = parse_value(r[j])
            if parsed is None:
                raise InputError(path, "value is neither a number nor an official marker", where=f"line {line_no}, area {area_id}",
                                 column=col_labels[k] or f"column {j + 1}", found=r[j],
                                 expected="a number with decimal comma (6,1) or one of the markers - . x / ... and the suffixes p r")
            value, flag = parsed
            records.append({
                "area_id": area_id, "area_name": name, "area_level": area_level(area_id),
                "period": row_period or col_periods[k], "variable": " | ".join([col_labels[k], *dims]),
                "unit": col_units[k], "value": value, "flag": flag, "source": source, "row": line_no,
            })
    df = to_frame(records)
    df.attrs.update(table=code, title=" ".join(metadata[:3]), footer=lines[footer + 1:], file=path.name)
    return df


_GEO_VARIABLES = {"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEOGM4", "GEODL1", "GEOLA1", "GEOKR1", "GEORB1"}


def read_genesis_ffcsv(path: str | Path) -> pd.DataFrame:
    """Read a GENESIS flat file ("ffcsv": one value per row, UTF-8 with BOM) into the tidy format.

    The area is the classifying variable whose code denotes a regional breakdown (``KREISE``,
    ``GEOGM4`` …); every other classifying variable becomes part of the variable label.
    """
    path = Path(path)
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    required = {"statistics_code", "time", "value", "value_unit", "value_variable_label"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise InputError(path, "not a GENESIS flat file (ffcsv): required columns missing", where="header line 1",
                         column=", ".join(sorted(missing)), found=(reader.fieldnames or [])[:6],
                         expected="columns statistics_code;…;time;…;value;value_unit;value_variable_code;value_variable_label")
    n_vars = sum(1 for f in reader.fieldnames if re.match(r"^\d+_variable_code$", f))
    records = []
    for line_no, r in enumerate(reader, start=2):
        if not any((v or "").strip() for v in r.values()):
            continue
        if None in r.values() or None in r:
            raise InputError(path, "row has the wrong number of fields", where=f"line {line_no}",
                             hint="the row is cut off or the file layout has changed")
        area_id, name, dims = None, "", []
        for k in range(1, n_vars + 1):
            var_code = r[f"{k}_variable_code"].strip()
            if var_code in _GEO_VARIABLES or var_code.startswith("GEO"):
                area_id, name = r[f"{k}_variable_attribute_code"].strip(), r[f"{k}_variable_attribute_label"].strip()
            else:
                dims.append(r[f"{k}_variable_attribute_label"].strip())
        if area_id is None or not is_area_code(area_id):
            raise InputError(path, "no valid area key in row", where=f"line {line_no}", found=area_id,
                             expected="a regional variable (KREISE, GEOGM4, …) with an official key")
        period = parse_period(r["time"])
        if period is None:
            raise InputError(path, "invalid reference date", where=f"line {line_no}", column="time", found=r["time"],
                             expected="YYYY-MM-DD, DD.MM.YYYY or YYYY")
        parsed = parse_value(r["value"].replace(".", ",") if re.match(r"^-?\d+\.\d+$", r["value"].strip()) else r["value"])
        if parsed is None:
            raise InputError(path, "value is neither a number nor an official marker", where=f"line {line_no}, area {area_id}",
                             column="value", found=r["value"], expected="a number or one of the markers - . x / ...")
        records.append({
            "area_id": area_id, "area_name": name, "area_level": area_level(area_id), "period": period,
            "variable": " | ".join([r["value_variable_label"].strip(), *dims]), "unit": r["value_unit"].strip(),
            "value": parsed[0], "flag": parsed[1], "source": f"{r['statistics_code'].strip()} ({path.name})", "row": line_no,
        })
    if not records:
        raise InputError(path, "the flat file has no data rows", expected="one row per value after the header")
    return to_frame(records)
