"""Reading Excel workbooks (.xlsx) as rows of cell values, with clear errors for damaged files.

Uses python-calamine (a fast Rust reader; about ten times faster than openpyxl on the GV-ISys
directories). Cells come back as str, float, int, bool, date/datetime or "" for empty cells.

Workbooks may come from outside (the counselling providers), so no file reaches the native reader
before ``preflight`` has bounded the work it can cause: every part of the zip container is
decompressed as a stream and counted (a zip bomb stops at the limit, whatever its headers claim),
and every worksheet's used range is measured from its cells' references (calamine allocates the
whole rectangle from A1 to the last cell: one stray cell in XFD1048576 would ask for 512 GiB).
The limits (``LIMITS``; config/config.yaml ``arbeitsmappen``) are far above any real delivery.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from pathlib import Path

from python_calamine import CalamineWorkbook

from sozialbericht.core.errors import InputError

#: Default limits of ``preflight`` (config/config.yaml ``arbeitsmappen`` overrides them):
#: unpacked megabytes of one part of the zip container and of all parts together, rows, columns
#: and cells (rows × columns of the used range) of a worksheet.
LIMITS = {"max_teil_mb": 50, "max_gesamt_mb": 200, "max_zeilen": 100_000, "max_spalten": 256, "max_zellen": 2_000_000}
_CHUNK = 1 << 20
_REF = re.compile(rb'<(?:\w+:)?(c|row)\b[^>]*?\sr="([A-Z]{0,3})(\d+)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _limits(limits: dict | None) -> dict:
    return {**LIMITS, **(limits or {})}


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _refuse(path: Path, problem: str, found, expected: str) -> InputError:
    return InputError(
        path,
        problem,
        found=found,
        expected=expected,
        hint="die Datei in Excel öffnen, überzählige Zeilen, Spalten und Inhalte außerhalb der Tabelle löschen "
        "(Strg+Ende zeigt die letzte benutzte Zelle) und erneut als .xlsx speichern; Grenzen: config/config.yaml, "
        "Schlüssel `arbeitsmappen`",
    )


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name as Excel shows it (for messages; {} if not readable)."""
    try:
        parts = {}
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(name).file_size > 1 << 20:
                return {}
            parts[name] = archive.read(name).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError):
        return {}

    def attrs(tag: str) -> dict[str, str]:
        return dict(re.findall(r'([\w:]+)="([^"]*)"', tag))

    targets = {
        a.get("Id"): a.get("Target", "")
        for a in map(attrs, re.findall(r"<Relationship\b[^>]*>", parts["xl/_rels/workbook.xml.rels"]))
    }
    sheets = [attrs(t) for t in re.findall(r"<sheet\b[^>]*>", parts["xl/workbook.xml"])]
    return {
        "xl/" + targets[a["r:id"]].lstrip("/").removeprefix("xl/"): a.get("name", "") for a in sheets if a.get("r:id") in targets
    }


def _scan_sheet(stream, path: Path, name: str, lim: dict) -> int:
    """Unpacked bytes of one worksheet part; refuses a sheet beyond the row, column or cell limits."""
    size, rows, cols, row_tags, tail = 0, 0, 0, 0, b""
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > lim["max_teil_mb"] << 20:
            return size
        data = tail + chunk
        cut = data.rfind(b"<")  # a tag cut by the chunk border is scanned with the next chunk
        if cut == -1 or data.find(b">", cut) != -1:
            cut = len(data)
        elif len(data) - cut > _CHUNK:  # no element of a worksheet has a start tag this long
            raise _refuse(path, f"das Tabellenblatt „{name}“ enthält ein unzulässig langes Element", "über 1 MB", "eine Tabelle")
        for kind, letters, number in _REF.findall(data, 0, cut):
            rows = max(rows, int(number))
            if kind == b"c" and letters:
                cols = max(cols, _column_number(letters))
        row_tags += len(_ROW_TAG.findall(data, 0, cut))
        tail = data[cut:]
        rows = max(rows, row_tags)  # rows without a reference count one by one
        if rows > lim["max_zeilen"] or cols > lim["max_spalten"] or rows * max(cols, 1) > lim["max_zellen"]:
            raise _refuse(
                path,
                f"das Tabellenblatt „{name}“ ist zu groß: mindestens {rows} Zeilen × {cols} Spalten benutzt",
                f"Zeile {rows}, Spalte {cols}",
                f"höchstens {lim['max_zeilen']} Zeilen, {lim['max_spalten']} Spalten und {lim['max_zellen']} Zellen je Blatt",
            )
    return size


def preflight(path: str | Path, limits: dict | None = None) -> None:
    """Refuse (``InputError``) a workbook that is no zip container, has a part that unpacks beyond
    ``max_teil_mb`` (or all parts beyond ``max_gesamt_mb``), or a worksheet whose used range exceeds
    ``max_zeilen``/``max_spalten``/``max_zellen`` — before any native reader sees it. Memory stays
    at about one chunk per part whatever the file contains."""
    path = Path(path)
    stat = path.stat()
    _preflight(str(path), stat.st_size, stat.st_mtime_ns, tuple(sorted(_limits(limits).items())))


@functools.lru_cache(maxsize=256)
def _preflight(name: str, size: int, mtime: int, limits: tuple) -> None:
    path, lim = Path(name), dict(limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            path,
            f"die Arbeitsmappe lässt sich nicht öffnen: keine lesbare .xlsx-Datei ({type(exc).__name__})",
            expected="eine .xlsx-Datei (Excel-Arbeitsmappe, ZIP-Container)",
            hint="die Datei in Excel oder LibreOffice öffnen und als „Excel-Arbeitsmappe (.xlsx)“ speichern",
        ) from None
    total = 0
    with archive:
        members, titles = archive.infolist(), _sheet_titles(archive)
        if len(members) > 10_000:
            raise _refuse(path, "die Arbeitsmappe besteht aus zu vielen Teilen", len(members), "höchstens 10.000 Teile")
        for info in members:
            try:
                with archive.open(info) as stream:
                    if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                        unpacked = _scan_sheet(stream, path, titles.get(info.filename, info.filename), lim)
                    else:
                        unpacked = 0
                        while (chunk := stream.read(_CHUNK)) and unpacked <= lim["max_teil_mb"] << 20:
                            unpacked += len(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
                raise InputError(
                    path,
                    f"die Arbeitsmappe ist beschädigt: Teil „{info.filename}“ lässt sich nicht entpacken ({type(exc).__name__})",
                    expected="eine unbeschädigte .xlsx-Datei",
                    hint="die Datei in Excel oder LibreOffice öffnen und erneut als .xlsx speichern bzw. erneut senden lassen",
                ) from None
            total += unpacked
            if unpacked > lim["max_teil_mb"] << 20 or total > lim["max_gesamt_mb"] << 20:
                raise _refuse(
                    path,
                    f"die Arbeitsmappe entpackt sich zu mehr als {lim['max_teil_mb']} MB (Teil „{info.filename}“) "
                    "– keine gewöhnliche Tabelle (z. B. eine ZIP-Bombe oder eingebettete große Objekte)",
                    f"{info.filename}: über {unpacked >> 20} MB entpackt",
                    f"höchstens {lim['max_teil_mb']} MB je Teil und {lim['max_gesamt_mb']} MB insgesamt",
                )


def _open(path: Path, limits: dict | None = None) -> CalamineWorkbook:
    if not path.exists():
        raise InputError(path, "Datei nicht gefunden", hint="den Dateinamen und den Ordner prüfen")
    preflight(path, limits)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken zip or XML content
        raise InputError(
            path,
            f"die Arbeitsmappe lässt sich nicht öffnen ({type(exc).__name__})",
            expected="eine unbeschädigte .xlsx-Datei",
            hint="die Datei in Excel oder LibreOffice öffnen und erneut als .xlsx speichern bzw. erneut herunterladen",
        ) from None


def sheet_names(path: str | Path, limits: dict | None = None) -> list[str]:
    """Names of the workbook's sheets, in order."""
    return list(_open(Path(path), limits).sheet_names)


def read_sheet(path: str | Path, sheet: str, limits: dict | None = None) -> list[list]:
    """All rows of one sheet (each padded to the same length)."""
    path = Path(path)
    wb = _open(path, limits)
    if sheet not in wb.sheet_names:
        raise InputError(
            path,
            f"Tabellenblatt „{sheet}“ nicht gefunden",
            found=list(wb.sheet_names),
            expected=f"ein Tabellenblatt mit dem Namen „{sheet}“",
            hint="das Tabellenblatt wie in der Vorlage benennen",
        )
    try:
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(
            path,
            f"das Tabellenblatt „{sheet}“ ist beschädigt ({type(exc).__name__})",
            hint="die Datei in Excel oder LibreOffice öffnen und erneut speichern",
        ) from None
    width = max((len(r) for r in rows), default=0)
    return [list(r) + [""] * (width - len(r)) for r in rows]
