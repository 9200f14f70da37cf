"""Readers for the two GENESIS download formats: "Tabelle als CSV" and the flat file "ffcsv".

Both are generic over table codes: the layout (label columns, multi-row column headers, unit,
period and area columns) is read from the file, not configured per table. Which variables a table
must have is checked afterwards against ``config/datasets.yaml`` (``layout``); for that, every
reader records in ``df.attrs["labels"]`` where each variable label was found in the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError
from sozialbericht.core.text import read_text
from sozialbericht.core.tidy import area_level, is_area_code, parse_period, parse_value, to_frame

_FOOTER = re.compile(r"^_{5,}$")
_UNITS = {"Anzahl", "Prozent", "%", "Tsd.", "1000", "EUR", "Euro", "km²", "km2", "Jahre", "Personen", "Promille"}
_TITLE_UNIT = re.compile(r"\(([^()]+)\)\s*$")
_REDOWNLOAD = "die Tabelle unverändert aus GENESIS bzw. der Regionaldatenbank herunterladen, nicht in Excel bearbeiten"


def read_genesis_csv(path: str | Path) -> pd.DataFrame:
    """Read a GENESIS "Tabelle als CSV" download into the tidy long format.

    Layout of the format: line 1 ``GENESIS-Tabelle: <code>``; title and statistic lines; one or more
    column-header rows whose first (label) fields are empty; data rows whose label fields carry the
    period, the area key, the area name (indented by hierarchy level) and any further row
    dimensions (e.g. sex); a footer after a line of underscores. Official markers are kept as flags.
    """
    path = Path(path)
    lines = read_text(path).split("\n")
    code = _table_code(path, lines)
    footer = _footer_line(path, lines)
    rows = list(csv.reader(io.StringIO("\n".join(lines[:footer])), delimiter=";"))
    header_idx = _header_rows(path, rows)
    metadata = [r[0].strip() for r in rows[1 : header_idx[0]] if r and r[0].strip()]
    columns = _value_columns([rows[i] for i in header_idx], metadata)
    data = _data_rows(path, rows, header_idx[-1])
    labels = _label_columns(path, data[0], columns)
    records, dim_labels = [], {}
    for i, r in data:
        records += _row_records(path, i + 1, r, columns, labels, f"{code} ({path.name})", dim_labels)
    df = to_frame(records)
    header_lines = [header_idx[k] + 1 for k in columns.label_rows]
    found = {lbl: f"Kopfzeile {', '.join(map(str, header_lines))}" for lbl in columns.labels}
    found.update({d: f"Zeile {n} (Zeilenmerkmal)" for d, n in dim_labels.items()})
    df.attrs.update(table=code, title=" ".join(metadata[:3]), footer=lines[footer + 1 :], file=path.name, labels=found)
    return df


@dataclass
class _ValueColumns:
    """The value columns of a "Tabelle als CSV", read from its header rows: after ``n_label``
    label columns, each value column's unit, label (the header rows that are neither units nor
    periods, joined by " | ") and period (where a header row holds periods)."""

    n_label: int
    n_cols: int
    units: list[str]
    labels: list[str]
    periods: list[str | None]
    label_rows: list[int]  # the header rows (index among them) that make the labels
    period_rows: list[int]


@dataclass
class _LabelColumns:
    """Which label column of a data row holds the period, the area key, its name and the further
    row dimensions (found in the first data row)."""

    period: int | None
    area: int
    name: int | None
    dims: list[int]


def _table_code(path: Path, lines: list[str]) -> str:
    """The table code of line 1 (``GENESIS-Tabelle: <code>``)."""
    first = lines[0].split(";")[0].strip()
    if not first.startswith("GENESIS-Tabelle:"):
        raise InputError(
            path,
            "keine GENESIS-Datei im Format „Tabelle als CSV“",
            where="Zeile 1",
            found=lines[0][:80],
            expected="erste Zeile „GENESIS-Tabelle: <Tabellencode>“",
            hint="die Tabelle erneut im Format „CSV“ herunterladen (nicht Flat-CSV oder XLSX)",
        )
    return first.split(":", 1)[1].strip()


def _footer_line(path: Path, lines: list[str]) -> int:
    """The index of the line of underscores after the last data row (a cut-off download lacks it)."""
    footer = next((i for i, line in enumerate(lines) if _FOOTER.match(line.replace(";", "").strip())), None)
    if footer is None:
        raise InputError(
            path,
            "Fußzeile „__________“ fehlt: die Datei ist abgeschnitten oder keine GENESIS-Tabelle",
            where=f"Dateiende (Zeile {len(lines)})",
            expected="eine Zeile aus Unterstrichen nach der letzten Datenzeile",
            hint="die Tabelle erneut herunterladen; ein abgebrochener Download verliert die Fußzeile",
        )
    return footer


def _header_rows(path: Path, rows: list[list[str]]) -> list[int]:
    """The indices of the column-header rows: after line 1, their first (label) field is empty;
    they stand together, directly above the data."""
    header_idx = [i for i, r in enumerate(rows) if i > 0 and r and not r[0].strip() and any(c.strip() for c in r)]
    if not header_idx:
        raise InputError(
            path,
            "keine Spaltenköpfe gefunden",
            where="ab Zeile 2",
            expected="Kopfzeilen, die mit „;“ beginnen und die Wertspalten benennen",
            hint=_REDOWNLOAD,
        )
    first_h, last_h = header_idx[0], header_idx[-1]
    if header_idx != list(range(first_h, last_h + 1)):
        raise InputError(
            path,
            "die Spaltenköpfe stehen nicht zusammen",
            where=f"Zeilen {first_h + 1}–{last_h + 1}",
            expected="die Kopfzeilen direkt über den Daten",
            hint=_REDOWNLOAD,
        )
    return header_idx


def _value_columns(headers: list[list[str]], metadata: list[str]) -> _ValueColumns:
    """Unit, label and period of every value column: a header row of units only gives the units
    (else the unit in brackets at the end of a title line), one of periods only the periods, the
    others the label."""
    n_cols = max(len(h) for h in headers)
    headers = [h + [""] * (n_cols - len(h)) for h in headers]
    n_label = min(next((j for j, c in enumerate(h) if c.strip()), n_cols) for h in headers)
    unit_rows = [k for k, h in enumerate(headers) if all(c.strip() in _UNITS for c in h[n_label:] if c.strip())]
    period_rows = [
        k for k, h in enumerate(headers) if k not in unit_rows and all(parse_period(c) for c in h[n_label:] if c.strip())
    ]
    title_unit = next((m.group(1) for line in metadata if (m := _TITLE_UNIT.search(line))), "")
    label_rows = [k for k in range(len(headers)) if k not in unit_rows and k not in period_rows]
    units, labels, periods = [], [], []
    for j in range(n_label, n_cols):
        units.append(next((headers[k][j].strip() for k in unit_rows), title_unit))
        periods.append(next((parse_period(headers[k][j]) for k in period_rows), None))
        parts = [headers[k][j].strip() for k in label_rows]
        labels.append(" | ".join(p for p in parts if p))
    return _ValueColumns(n_label, n_cols, units, labels, periods, label_rows, period_rows)


def _data_rows(path: Path, rows: list[list[str]], last_header: int) -> list[tuple[int, list[str]]]:
    """(index, fields) of every non-empty row after the header rows."""
    data = [(i, r) for i, r in enumerate(rows) if i > last_header and r and any(c.strip() for c in r)]
    if not data:
        raise InputError(
            path,
            "die Tabelle hat keine Datenzeilen",
            where=f"nach Zeile {last_header + 1}",
            expected="Zeilen mit Stichtag, Regionalschlüssel, Gebietsname und Werten",
        )
    return data


def _label_columns(path: Path, first: tuple[int, list[str]], columns: _ValueColumns) -> _LabelColumns:
    """The label columns, found in the first data row: the period (unless a header row holds
    the periods), the area key, the name after it, the rest are row dimensions."""
    i, probe = first
    n_label = columns.n_label
    period_col = next((j for j in range(n_label) if parse_period(probe[j])), None)
    area_col = next((j for j in range(n_label) if is_area_code(probe[j])), None)
    if area_col is None or (period_col is None and not columns.period_rows):
        raise InputError(
            path,
            "Stichtags- und Gebietsspalte nicht gefunden",
            where=f"Zeile {i + 1}",
            found=";".join(probe[:n_label]),
            expected="einen Stichtag (31.12.2020) oder ein Jahr und einen amtlichen Regionalschlüssel (DG, 15, 15085)",
            hint=_REDOWNLOAD,
        )
    name_col = area_col + 1 if area_col + 1 < n_label else None
    dim_cols = [j for j in range(n_label) if j not in (period_col, area_col, name_col)]
    return _LabelColumns(period_col, area_col, name_col, dim_cols)


def _row_records(
    path: Path,
    line_no: int,
    r: list[str],
    columns: _ValueColumns,
    labels: _LabelColumns,
    source: str,
    dim_labels: dict[str, int],
) -> list[dict]:
    """The tidy records of one data row (one per value column); records in ``dim_labels`` the
    first line of every row dimension."""
    if len(r) != columns.n_cols:
        raise InputError(
            path,
            f"Zeile hat {len(r)} Felder, erwartet {columns.n_cols}",
            where=f"Zeile {line_no}",
            found=";".join(r)[:120],
            hint="die Zeile ist abgeschnitten oder das Tabellenlayout hat sich geändert; " + _REDOWNLOAD,
        )
    area_id = r[labels.area].strip()
    if not is_area_code(area_id):
        raise InputError(
            path,
            "ungültiger Regionalschlüssel",
            where=f"Zeile {line_no}",
            column="Regionalschlüssel",
            found=area_id,
            expected="DG oder einen amtlichen Schlüssel mit 2, 3, 5, 8, 9 oder 12 Ziffern",
        )
    row_period = parse_period(r[labels.period]) if labels.period is not None else None
    if labels.period is not None and row_period is None:
        raise InputError(
            path,
            "ungültiger Stichtag",
            where=f"Zeile {line_no}",
            column="Stichtag/Jahr",
            found=r[labels.period],
            expected="TT.MM.JJJJ oder JJJJ",
        )
    dims = [r[j].strip() for j in labels.dims if r[j].strip()]
    for d in dims:
        dim_labels.setdefault(d, line_no)
    name = r[labels.name].strip() if labels.name is not None else ""
    records = []
    for k, j in enumerate(range(columns.n_label, columns.n_cols)):
        parsed = parse_value(r[j])
        if parsed is None:
            raise InputError(
                path,
                "Wert ist weder eine Zahl noch ein amtliches Zeichen",
                where=f"Zeile {line_no}, Gebiet {area_id}",
                column=columns.labels[k] or f"Spalte {j + 1}",
                found=r[j],
                expected="eine Zahl mit Dezimalkomma ohne Tausenderpunkt (6,1) oder eines der "
                "Zeichen - . x / ... und die Zusätze p r",
                hint="fehlende Werte mit den amtlichen Zeichen kennzeichnen; Zahlen nicht in Excel umformatieren",
            )
        value, flag = parsed
        records.append(
            {
                "area_id": area_id,
                "area_name": name,
                "area_level": area_level(area_id),
                "period": row_period or columns.periods[k],
                "variable": " | ".join([columns.labels[k], *dims]),
                "unit": columns.units[k],
                "value": value,
                "flag": flag,
                "source": source,
                "row": line_no,
            }
        )
    return records


_GEO_VARIABLES = {"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEOGM4", "GEODL1", "GEOLA1", "GEOKR1", "GEORB1"}


def read_genesis_ffcsv(path: str | Path) -> pd.DataFrame:
    """Read a GENESIS flat file ("ffcsv": one value per row, UTF-8 with BOM) into the tidy format.

    The area is the classifying variable whose code denotes a regional breakdown (``KREISE``,
    ``GEOGM4`` …); every other classifying variable becomes part of the variable label.
    """
    path = Path(path)
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    n_vars = _ffcsv_variables(path, reader.fieldnames)
    records, labels = [], {}
    for line_no, r in enumerate(reader, start=2):
        if not any((v or "").strip() for v in r.values()):
            continue
        record = _ffcsv_record(path, line_no, r, n_vars)
        labels.setdefault(record["variable"], f"Zeile {line_no} (value_variable_label)")
        records.append(record)
    if not records:
        raise InputError(path, "die Flatfile hat keine Datenzeilen", expected="eine Zeile je Wert nach der Kopfzeile")
    df = to_frame(records)
    df.attrs.update(file=path.name, labels=labels)
    return df


def _ffcsv_variables(path: Path, fieldnames: list[str] | None) -> int:
    """The number of classifying variables of a flat file whose header has the required columns."""
    required = {"statistics_code", "time", "value", "value_unit", "value_variable_label"}
    missing = required - set(fieldnames or [])
    if missing:
        raise InputError(
            path,
            "keine GENESIS-Flatfile (ffcsv): Pflichtspalten fehlen",
            where="Kopfzeile 1",
            column=", ".join(sorted(missing)),
            found=(fieldnames or [])[:6],
            expected="die Spalten statistics_code;…;time;…;value;value_unit;value_variable_code;value_variable_label",
            hint="die Tabelle erneut als „Flat-CSV“ (ffcsv) herunterladen",
        )
    return sum(1 for f in fieldnames if re.match(r"^\d+_variable_code$", f))


def _ffcsv_record(path: Path, line_no: int, r: dict, n_vars: int) -> dict:
    """The tidy record of one row of a flat file: the regional variable gives the area, the
    others join the variable label."""
    if None in r.values() or None in r:
        raise InputError(
            path,
            "Zeile hat die falsche Anzahl von Feldern",
            where=f"Zeile {line_no}",
            hint="die Zeile ist abgeschnitten oder das Dateilayout hat sich geändert; die Tabelle erneut herunterladen",
        )
    area_id, name, dims = None, "", []
    for k in range(1, n_vars + 1):
        var_code = r[f"{k}_variable_code"].strip()
        if var_code in _GEO_VARIABLES or var_code.startswith("GEO"):
            area_id, name = r[f"{k}_variable_attribute_code"].strip(), r[f"{k}_variable_attribute_label"].strip()
        else:
            dims.append(r[f"{k}_variable_attribute_label"].strip())
    if area_id is None or not is_area_code(area_id):
        raise InputError(
            path,
            "kein gültiger Regionalschlüssel in der Zeile",
            where=f"Zeile {line_no}",
            found=area_id,
            expected="ein regionales Merkmal (KREISE, GEOGM4, …) mit amtlichem Schlüssel",
        )
    period = parse_period(r["time"])
    if period is None:
        raise InputError(
            path,
            "ungültiger Stichtag",
            where=f"Zeile {line_no}",
            column="time",
            found=r["time"],
            expected="JJJJ-MM-TT, TT.MM.JJJJ oder JJJJ",
        )
    raw_value = r["value"].strip()
    parsed = parse_value(raw_value.replace(".", ",") if re.match(r"^-?\d+\.\d+$", raw_value) else raw_value)
    if parsed is None:
        raise InputError(
            path,
            "Wert ist weder eine Zahl noch ein amtliches Zeichen",
            where=f"Zeile {line_no}, Gebiet {area_id}",
            column="value",
            found=r["value"],
            expected="eine Zahl oder eines der Zeichen - . x / ...",
        )
    return {
        "area_id": area_id,
        "area_name": name,
        "area_level": area_level(area_id),
        "period": period,
        "variable": " | ".join([r["value_variable_label"].strip(), *dims]),
        "unit": r["value_unit"].strip(),
        "value": parsed[0],
        "flag": parsed[1],
        "source": f"{r['statistics_code'].strip()} ({path.name})",
        "row": line_no,
    }
