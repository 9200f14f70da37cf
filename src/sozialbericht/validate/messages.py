"""The German quality reports: one readable line per failed expectation or rule row.

Every failure names the file to fix (the path as the planner sees it), its line, the area, the
reference date, the variable (and a counselling table's provider and field), the value found and
what is expected — in German, the language of the people who fix the files.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from sozialbericht.core.tidy import KEY_COLUMNS
from sozialbericht.validate.frames import fmt

#: How a message names the key columns (tidy.KEY_COLUMNS).
KEY_LABELS = ("Träger", "Beratungsfeld")
#: Rows named per file and failed expectation; the rest are counted.
ROWS_PER_FILE = 12


def describe(result, frame: pd.DataFrame, name: str, files: dict) -> list[str]:
    """Readable lines for one failed expectation of the suite ``name`` on ``frame``: file, line,
    area, column, value, expectation (``files``: file name → the path a message names)."""
    meta = result.expectation_config.meta or {}
    idx = result.result.get("unexpected_index_list") or []
    file_of = partial(_file_of, files=files)
    if meta.get("tabelle"):  # an expectation on one table of a frame of several
        frame = frame[frame["tabelle"] == meta["tabelle"]]
    if meta.get("gemeinden"):
        return [_missing_gemeinden(frame, meta, name, file_of)]
    if meta.get("value_set"):
        return [_missing_kreise(frame, meta, name, file_of)]
    if not idx:
        observed = result.result.get("observed_value")
        return [
            f"{file_of(meta['source']) if meta.get('source') else name}: {meta.get('expected', result.expectation_config.type)}"
            + (f"; gefunden: {observed}" if observed is not None else "")
        ]
    return _failed_rows(frame, idx, meta, name, file_of)


def _file_of(source: str, files: dict) -> str:
    """The file a row's ``source`` names (``"12411-0018 (datei.csv)"`` → the path of datei.csv)."""
    inner = source[source.find("(") + 1 : source.rfind(")")] if "(" in str(source) else str(source)
    return files.get(inner, inner)


def _missing_gemeinden(frame: pd.DataFrame, meta: dict, name: str, file_of) -> str:
    """A district table lacks Gemeinden of the report year."""
    present = set(frame[frame["year"] == meta["year"]]["area_id"])
    missing = sorted(set(meta["gemeinden"]) - present)
    source = file_of(frame["source"].iloc[0]) if len(frame) else name
    return (
        f"{source}: Gemeinden fehlen für {meta['year']} (Spalte {meta.get('column')}): es fehlen {', '.join(missing[:25])}"
        f"{' …' if len(missing) > 25 else ''} – erwartet {meta.get('expected')}; die fehlenden Zeilen nachliefern"
    )


def _missing_kreise(frame: pd.DataFrame, meta: dict, name: str, file_of) -> str:
    """A national table lacks Kreise of the report year (or of the years up to it)."""
    cov = meta.get("coverage")
    rows = frame[frame["year"] <= meta["year"]] if cov == "up_to_report_year" else frame[frame["year"] == meta["year"]]
    missing = sorted(set(meta["value_set"]) - set(rows["kreis"]))
    source = file_of(frame["source"].iloc[0]) if len(frame) else name
    return (
        f"{source}: Kreise fehlen (Spalte {meta.get('column')}): erwartet {meta.get('expected')}; es fehlen: "
        f"{', '.join(missing[:25])}{' …' if len(missing) > 25 else ''} – die Tabelle vollständig (alle Kreise) herunterladen"
    )


def _failed_rows(frame: pd.DataFrame, idx: list, meta: dict, name: str, file_of) -> list[str]:
    """At most ``ROWS_PER_FILE`` rows per file (a suite of rules can span several files), then the
    count of the rest."""
    by_file: dict[str, list] = {}
    for i in idx:
        i = i if not isinstance(i, dict) else next(iter(i.values()))
        by_file.setdefault(str(frame.at[i, "source"]) if "source" in frame else name, []).append(i)
    lines = []
    for source, rows in by_file.items():
        for i in rows[:ROWS_PER_FILE]:
            lines.append(_describe_row(frame.loc[i], meta, name, file_of))
        if len(rows) > ROWS_PER_FILE:
            lines.append(f"{file_of(source)}: … und {len(rows) - ROWS_PER_FILE} weitere Zeilen mit demselben Problem")
    return lines


def _describe_row(row: pd.Series, meta: dict, name: str, file_of) -> str:
    """One failed row: file, line, area, reference date, variable (and provider and field), what
    was found and expected."""
    place = f"Zeile {int(row.get('row'))}, " if row.get("row", 0) else ""
    keys = "".join(
        f", {label} „{row.get(k)}“" for k, label in zip(KEY_COLUMNS, KEY_LABELS) if isinstance(row.get(k), str) and row.get(k)
    )
    where = (
        f"{file_of(row.get('source', name))}: {place}Gebiet {row.get('area_id')} {str(row.get('area_name', '')).strip()}, "
        f"Stichtag {row.get('period')}, Merkmal „{row.get('variable', '')}“{keys}"
    )
    if meta.get("rules"):
        return f"{where}: gefunden {fmt(row['wert'])}, erwartet {row['erwartet']}"
    column = meta.get("column", "?")
    shown = (
        row.get("value")
        if column in ("Wert",)
        else row.get(
            {"Zeichen": "flag", "Stichtag": "period", "Regionalschlüssel": "area_id", **dict(zip(KEY_LABELS, KEY_COLUMNS))}.get(
                column, "value"
            )
        )
    )
    return f"{where}, Spalte {column}: gefunden {fmt(shown) if isinstance(shown, float) else repr(shown)}, erwartet {meta.get('expected')}"
