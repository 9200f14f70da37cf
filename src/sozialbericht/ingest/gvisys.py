"""Reader for the GV-ISys municipality directory ("Auszug_GV" workbooks of Destatis)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError
from sozialbericht.core.tidy import parse_value, to_frame
from sozialbericht.ingest.xlsx import read_sheet, sheet_names

#: Satzart codes of the directory.
SATZART = {"10": "land", "20": "regierungsbezirk", "30": "region", "40": "kreis", "50": "gemeindeverband", "60": "gemeinde"}
#: Value columns of a Gemeinde row (0-based) and the variable each holds.
VALUE_COLUMNS = {
    8: ("flaeche_km2", "km²"),
    9: ("bevoelkerung", "Anzahl"),
    10: ("bevoelkerung_maennlich", "Anzahl"),
    11: ("bevoelkerung_weiblich", "Anzahl"),
}
#: Key parts of each Satzart that carry an area of its own: (digits of the ARS, level).
_KEY_PARTS = {"40": (3, "kreis"), "50": (4, "gemeindeverband"), "60": (5, "gemeinde")}
_KEY_HEADER = ["Land", "RB", "Kreis", "VB", "Gem"]
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_gvisys(path: str | Path) -> pd.DataFrame:
    """Read one ``DDMMYYYY_Auszug_GV.xlsx`` workbook into the tidy format.

    Gemeinden (12-digit ARS: Land, RB, Kreis, Verband, Gemeinde) with the variables
    ``flaeche_km2``, ``bevoelkerung``, ``bevoelkerung_maennlich``, ``bevoelkerung_weiblich`` and
    ``textkennzeichen``; Kreise (5 digits) and Gemeindeverbände (9 digits) with their name and
    ``textkennzeichen`` (the kind: Landkreis, Kreisfreie Stadt, Verbandsgemeinde, Amt, … — see
    ``TEXTKENNZEICHEN``; unit ``Schlüssel``). ``period`` is the reference date of the directory;
    populations are on the territory of that date (see ``territory`` for series on one territory).
    """
    path = Path(path)
    sheet, rows = _data_sheet(path)
    head = _header_row(path, sheet, rows)
    period = _reference_date(path, rows, head)
    records, seen = [], {}
    for i, r in enumerate(rows[head + 2 :], start=head + 3):
        records += _row_records(path, i, r, period, seen)
    if not any(rec["area_level"] == "gemeinde" for rec in records):
        raise InputError(path, "keine Gemeindezeilen (Satzart 60) gefunden", expected="eine Zeile je Gemeinde")
    return to_frame(records)


def _data_sheet(path: Path) -> tuple[str, list]:
    """The name and rows of the data sheet (the second; the first is the table of contents)."""
    names = sheet_names(path)
    if len(names) < 2:
        raise InputError(
            path,
            "die Arbeitsmappe hat kein Datenblatt",
            found=names,
            expected="ein Inhaltsblatt und die Gemeindedaten als zweites Tabellenblatt",
            hint="die Datei erneut aus GV-ISys herunterladen",
        )
    return names[1], read_sheet(path, names[1])


def _header_row(path: Path, sheet: str, rows: list) -> int:
    """The index of the header row „Satz-art“; the row below it must name the key parts and the
    population columns where GV-ISys puts them."""
    head = next((i for i, r in enumerate(rows[:20]) if r and _text(r[0]).replace("-", "").startswith("Satzart")), None)
    if head is None:
        raise InputError(
            path,
            "Kopfzeile „Satz-art“ nicht in den ersten 20 Zeilen gefunden",
            where=f"Blatt {sheet}",
            expected="das GV-ISys-Layout (Satzart, Textkennzeichen, Regionalschlüssel, Gemeindename, Fläche, Bevölkerung)",
            hint="die Datei unverändert aus GV-ISys herunterladen",
        )
    sub = list(rows[head + 1]) + [None] * 12
    keys = [_text(c) for c in sub[2:7]]
    pop = [_text(c) for c in sub[9:12]]
    if keys != _KEY_HEADER or pop != ["insgesamt", "männlich", "weiblich"]:
        raise InputError(
            path,
            "das Spaltenlayout hat sich geändert",
            where=f"Blatt {sheet}, Kopfzeile {head + 2}",
            found=keys + pop,
            expected="Land RB Kreis VB Gem in den Spalten C–G und insgesamt männlich weiblich in J–L",
            hint="die Datei unverändert aus GV-ISys herunterladen („Gemeinden in Deutschland nach Fläche, "
            "Bevölkerung und Postleitzahl“)",
        )
    return head


def _reference_date(path: Path, rows: list, head: int) -> str:
    """The directory's reference date (JJJJ-MM-TT) from its title or header and from the file
    name (TTMMJJJJ_Auszug_GV.xlsx); where both give one, they must agree."""
    title = _text(rows[0][0]) if rows and rows[0] else ""
    stamp = " ".join(_text(c) for r in rows[: head + 3] for c in r if c not in (None, ""))
    m = _DATE.search(stamp) or _DATE.search(title)
    fm = re.match(r"^(\d{2})(\d{2})(\d{4})_", path.name)
    if m is None and fm is None:
        raise InputError(
            path, "Stichtag nicht gefunden", expected="„am TT.MM.JJJJ“ im Titel oder einen Dateinamen TTMMJJJJ_Auszug_GV.xlsx"
        )
    day, month, year = (m or fm).groups()
    period = f"{year}-{month}-{day}"
    if fm and fm.groups() != (day, month, year):
        raise InputError(
            path,
            "Dateiname und Titel nennen verschiedene Stichtage",
            found=f"{fm.groups()} / {period}",
            expected="denselben Stichtag in beiden",
            hint="die Datei nach ihrem Stichtag benennen (TTMMJJJJ_Auszug_GV.xlsx)",
        )
    return period


def _row_records(path: Path, i: int, r: list, period: str, seen: dict) -> list[dict]:
    """The tidy records of one row (file line ``i``): a Kreis or Gemeindeverband its
    Textkennzeichen, a Gemeinde also its area and populations; other Satzarten none (``seen``:
    the rows read so far, by Satzart and key)."""
    satzart = _text(r[0]) if r else ""
    if satzart not in _KEY_PARTS:
        if satzart and satzart not in SATZART and len(satzart) <= 3 and satzart.isdigit():
            raise InputError(
                path,
                "unbekannte Satzart",
                where=f"Zeile {i}",
                column="Satzart",
                found=satzart,
                expected="10, 20, 30, 40, 50 oder 60",
            )
        return []
    n_parts, level = _KEY_PARTS[satzart]
    parts = [_text(c) for c in r[2:7]]
    ars = "".join(parts[:n_parts])
    if not re.fullmatch(rf"\d{{{(5, 9, 12)[n_parts - 3]}}}", ars):
        raise InputError(
            path,
            "ungültiger Regionalschlüssel",
            where=f"Zeile {i}",
            column="Regionalschlüssel (C–G)",
            found=parts,
            expected="Land (2) RB (1) Kreis (2) VB (4) Gem (3) Ziffern, als Text mit führenden Nullen",
        )
    name = _text(r[7])
    tkz = _text(r[1])
    # Some directories repeat a Gemeinde once per tourism region it touches (2017:
    # gemeindefreie Gebiete in Bayern): a repeat with identical key, name, area and population
    # carries no new information and is skipped; a differing one is kept and then fails the
    # unique-key check of the validation step.
    signature = tuple(r[:13])
    if seen.get((satzart, ars)) == signature:
        return []
    seen.setdefault((satzart, ars), signature)
    base = {
        "area_id": ars,
        "area_name": name,
        "area_level": level,
        "period": period,
        "source": f"GV-ISys ({path.name})",
        "row": i,
    }
    records = []
    if tkz.isdigit():
        records.append({**base, "variable": "textkennzeichen", "unit": "Schlüssel", "value": float(tkz), "flag": ""})
    if satzart == "60":
        records += _gemeinde_values(path, i, r, base)
    return records


def _gemeinde_values(path: Path, i: int, r: list, base: dict) -> list[dict]:
    """Area and populations of a Gemeinde row (``VALUE_COLUMNS``; an empty cell is "-")."""
    records = []
    for col, (variable, unit) in VALUE_COLUMNS.items():
        cell = r[col] if col < len(r) else None
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            value, flag = float(cell), ""
        elif cell is None or _text(cell) == "":
            value, flag = float("nan"), "-"
        else:
            parsed = parse_value(_text(cell))
            if parsed is None:
                raise InputError(
                    path,
                    "Wert ist keine Zahl",
                    where=f"Zeile {i}, Gemeinde {base['area_id']} {base['area_name']}",
                    column=variable,
                    found=cell,
                    expected="eine Zahl oder ein amtliches Zeichen",
                )
            value, flag = parsed
        records.append({**base, "variable": variable, "unit": unit, "value": value, "flag": flag})
    return records
