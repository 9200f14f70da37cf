"""Table exports of a report: ``tabellen.xlsx`` (deterministic: fixed dates, fixed zip timestamps)."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sozialbericht.tidy import MARKERS

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], formats: list[str | None] | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for j, col in enumerate(header, start=1):
        width = max(len(str(col)), *(len(str(r[j - 1])) for r in rows)) if rows else len(col)
        ws.column_dimensions[get_column_letter(j)].width = min(60, width + 2)
        if formats and formats[j - 1]:
            for cell in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cell[0].value, (int, float)):
                    cell[0].number_format = formats[j - 1]
    ws.freeze_panes = "B2"
    return ws


def _cell(value: float, flag: str):
    return flag or "." if pd.isna(value) else float(value)


def write_xlsx(indicators_csv: Path, context: dict, path: Path) -> Path:
    """Workbook with the Kreis comparison, the Gemeinde table, the long indicator table, the
    catalogue and the legend of markers. Values the source marks show the marker."""
    df = pd.read_csv(
        indicators_csv, dtype={"area_id": str, "period": str, "flag": str}, keep_default_na=False, na_values={"value": [""]}
    )
    catalogue = {c["id"]: c for c in context["catalogue"]}
    wb = Workbook()
    wb.remove(wb.active)
    kreis = df[df["area_level"] != "gemeinde"]
    areas = kreis.drop_duplicates("area_id").sort_values("area_id")
    header = ["Indikator", "Einheit", "Stand", *areas["area_name"].str.replace(", Landkreis", "")]
    rows = []
    for ind_id, d in kreis.groupby("indicator_id", sort=False):
        latest = d["period"].max()
        cur = d[d["period"] == latest].set_index("area_id")
        rows.append(
            [
                catalogue[ind_id]["name"],
                catalogue[ind_id]["unit"],
                latest,
                *(_cell(cur.loc[a, "value"], cur.loc[a, "flag"]) if a in cur.index else "" for a in areas["area_id"]),
            ]
        )
    _sheet(wb, "Kreisvergleich", header, rows, [None, None, None, *["#,##0.0"] * len(areas)])
    gem = df[df["area_level"] == "gemeinde"]
    ids = list(dict.fromkeys(gem["indicator_id"]))
    names = gem.drop_duplicates("area_id").set_index("area_id")["area_name"].sort_index()
    rows = []
    for aid, name in names.items():
        row = [aid, name]
        for ind_id in ids:
            d = gem[(gem["indicator_id"] == ind_id) & (gem["area_id"] == aid)].sort_values("period")
            row.append(_cell(d["value"].iloc[-1], d["flag"].iloc[-1]) if len(d) else "")
        rows.append(row)
    gem_header = ["Regionalschlüssel", "Gemeinde", *(f"{catalogue[i]['name']} ({catalogue[i]['unit']})" for i in ids)]
    _sheet(wb, "Gemeinden", gem_header, rows, [None, None, *["#,##0.0"] * len(ids)])
    long_rows = [
        [r.indicator_id, r.area_id, r.area_name, r.area_level, r.period, _cell(r.value, r.flag), r.unit, r.flag]
        for r in df.itertuples(index=False)
    ]
    _sheet(
        wb, "Indikatoren", ["indicator_id", "area_id", "area_name", "area_level", "period", "value", "unit", "flag"], long_rows
    )
    _sheet(
        wb,
        "Katalog",
        ["id", "Name", "Definition", "Einheit", "Quelle"],
        [[c["id"], c["name"], c["definition"], c["unit"], c["source"]] for c in context["catalogue"]],
    )
    _sheet(wb, "Zeichenerklärung", ["Zeichen", "Bedeutung"], [[k, v] for k, v in MARKERS.items()])
    stamp = datetime(int(context["year"]), 12, 31)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "sozialbericht"
    wb.properties.title = f"Sozialbericht {context['district']['name']} {context['year']} – Tabellen"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    normalise_zip(path, stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return path


def normalise_zip(path: Path, modified: str) -> None:
    """Rewrite a zip container (xlsx) with fixed entry timestamps and a fixed "modified" date
    (openpyxl stamps the save time): byte-identical reruns."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    entries = [
        (
            name,
            re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + modified.encode() + rb"\g<2>", data)
            if name == "docProps/core.xml"
            else data,
        )
        for name, data in entries
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:  # keep [Content_Types].xml first, as Excel expects
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
