"""Reader for the GV-ISys municipality directory ("Auszug_GV" workbooks of Destatis)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from sozialbericht.errors import InputError
from sozialbericht.tidy import parse_value, to_frame

#: Satzart codes of the directory.
SATZART = {"10": "land", "20": "regierungsbezirk", "30": "region", "40": "kreis", "50": "gemeindeverband", "60": "gemeinde"}
#: Value columns of a Gemeinde row (0-based) and the variable each holds.
VALUE_COLUMNS = {8: ("flaeche_km2", "km²"), 9: ("bevoelkerung", "Anzahl"), 10: ("bevoelkerung_maennlich", "Anzahl"),
                 11: ("bevoelkerung_weiblich", "Anzahl")}
_KEY_HEADER = ["Land", "RB", "Kreis", "VB", "Gem"]
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def read_gvisys(path: str | Path) -> pd.DataFrame:
    """Read every Gemeinde of one ``DDMMYYYY_Auszug_GV.xlsx`` workbook into the tidy format.

    ``area_id`` is the 12-digit Amtlicher Regionalschlüssel (Land, RB, Kreis, Verband, Gemeinde);
    ``period`` the reference date of the directory. Variables: ``flaeche_km2``, ``bevoelkerung``,
    ``bevoelkerung_maennlich``, ``bevoelkerung_weiblich`` (population as of the reference date on
    the territory of that date — see ``territory`` for series on the current territory).
    """
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(path, f"cannot open the workbook ({type(exc).__name__})",
                         expected="an .xlsx file as downloaded from GV-ISys", hint="download the file again") from None
    try:
        if len(wb.sheetnames) < 2:
            raise InputError(path, "the workbook has no data sheet", found=wb.sheetnames,
                             expected="a contents sheet and the Gemeinde data as second sheet")
        sheet = wb[wb.sheetnames[1]]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        wb.close()

    title = str(rows[0][0] if rows and rows[0] else "")
    head = next((i for i, r in enumerate(rows[:20]) if r and str(r[0] or "").replace("-", "").startswith("Satzart")), None)
    if head is None:
        raise InputError(path, "header row 'Satz-art' not found in the first 20 rows", where=f"sheet {sheet.title}",
                         expected="the GV-ISys layout (Satzart, Textkennzeichen, Regionalschlüssel, Gemeindename, Fläche, Bevölkerung)")
    keys = [str(c or "").strip() for c in rows[head + 1][2:7]]
    pop = [str(c or "").strip() for c in rows[head + 1][9:12]]
    if keys != _KEY_HEADER or pop != ["insgesamt", "männlich", "weiblich"]:
        raise InputError(path, "the column layout has changed", where=f"sheet {sheet.title}, row {head + 2}",
                         found=keys + pop, expected="Land RB Kreis VB Gem in columns C-G and insgesamt männlich weiblich in J-L")
    stamp = " ".join(str(c) for r in rows[: head + 3] for c in r if c)
    m = _DATE.search(stamp) or _DATE.search(title)
    fm = re.match(r"^(\d{2})(\d{2})(\d{4})_", path.name)
    if m is None and fm is None:
        raise InputError(path, "reference date not found", expected="'am DD.MM.YYYY' in the title or a file name DDMMYYYY_Auszug_GV.xlsx")
    day, month, year = (m or fm).groups()
    period = f"{year}-{month}-{day}"
    if fm and fm.groups() != (day, month, year):
        raise InputError(path, "file name and title disagree on the reference date", found=f"{fm.groups()} vs {period}",
                         expected="the same reference date in both")

    records, seen = [], {}
    for i, r in enumerate(rows[head + 2:], start=head + 3):
        satzart = str(r[0]).strip() if r and r[0] is not None else ""
        if satzart != "60":
            if satzart and satzart not in SATZART and len(satzart) <= 3 and satzart.isdigit():
                raise InputError(path, "unknown Satzart", where=f"row {i}", column="Satzart", found=satzart,
                                 expected="10, 20, 30, 40, 50 or 60")
            continue
        parts = [str(c or "").strip() for c in r[2:7]]
        ars = "".join(parts)
        if not re.fullmatch(r"\d{12}", ars):
            raise InputError(path, "invalid Regionalschlüssel", where=f"row {i}", column="Regionalschlüssel (C-G)",
                             found=parts, expected="Land(2) RB(1) Kreis(2) VB(4) Gem(3) digits")
        name = str(r[7] or "").strip()
        # Some directories repeat a Gemeinde once per tourism region it touches (2017:
        # gemeindefreie Gebiete in Bayern): a repeat with identical key, name, area and population
        # carries no new information and is skipped; a differing one is kept and then fails the
        # unique-key expectation of the validation step.
        if seen.get(ars) == r[:13]:
            continue
        seen.setdefault(ars, r[:13])
        for col, (variable, unit) in VALUE_COLUMNS.items():
            cell = r[col] if col < len(r) else None
            if isinstance(cell, (int, float)):
                value, flag = float(cell), ""
            elif cell is None or str(cell).strip() == "":
                value, flag = float("nan"), "-"
            else:
                parsed = parse_value(str(cell))
                if parsed is None:
                    raise InputError(path, "value is not a number", where=f"row {i}, Gemeinde {ars} {name}",
                                     column=variable, found=cell, expected="a number or an official marker")
                value, flag = parsed
            records.append({"area_id": ars, "area_name": name, "area_level": "gemeinde", "period": period,
                            "variable": variable, "unit": unit, "value": value, "flag": flag,
                            "source": f"GV-ISys ({path.name})", "row": i})
    if not records:
        raise InputError(path, "no Gemeinde rows (Satzart 60) found", expected="one row per Gemeinde")
    return to_frame(records)
