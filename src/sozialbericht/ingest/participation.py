"""Participation workbooks: the participants of the planning process weight the need indicators.

Each participant (a free provider, the Jobcenter, the planning office, the
Kreisarbeitsgemeinschaft) gets a workbook (``sozialbericht vorlage-beteiligung <id>``) with the
candidate indicators of the social index, their definitions and the Kreis's published values, and
distributes 100 points over them, with an optional short reason. Filled workbooks are put into
``data/raw/<folder>/beteiligung/`` and read here.

The workbooks come from outside: they are read through ``ingest.xlsx`` (bounded before parsing),
every problem of a workbook is collected (sheet, row, column, what was found, how to fix it — in
German), and a workbook with problems leaves out only its participant. A reason is kept as plain
text of bounded length; it is data and only ever printed as text.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from sozialbericht.core.errors import InputError
from sozialbericht.core.tidy import KENNUNG
from sozialbericht.ingest.xlsx import read_sheet, sheet_names

FOLDER = "beteiligung"
SHEETS = ("Teilnehmer", "Gewichte")
COLUMNS = ["Kennung", "Indikator", "Definition", "Wert des Kreises", "Einheit", "Stand", "Punkte", "Begründung"]
ROLES = {
    "traeger": "freier Träger",
    "jobcenter": "Jobcenter",
    "planung": "Sozialplanung des Kreises",
    "kag": "Kreisarbeitsgemeinschaft der freien Wohlfahrtspflege",
    "sonstige": "sonstige Beteiligte",
}
TOTAL = 100.0
MAX_PROBLEMS = 25
MAX_REASON = 300


def _letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index] if index < 26 else f"Spalte {index + 1}"


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return re.sub(r"\s+", " ", str(cell)).strip() if cell is not None else ""


def _points(cell) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        value = float(cell)
    elif (text := _text(cell).replace(",", ".")) == "":
        return 0.0
    else:
        try:
            value = float(text)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


class _Problems:
    def __init__(self):
        self.items: list[str] = []

    def add(self, sheet: str, row: int | None, column: str | None, what: str, fix: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            place = f"Blatt „{sheet}“" + (f", Zeile {row}" if row else "")
            if column:
                letter = _letter(COLUMNS.index(column)) if column in COLUMNS else None
                place += f", Spalte {letter} („{column}“)" if letter else f", „{column}“"
            self.items.append(f"{place}: {what} – {fix}")


def read_workbook(path: Path, candidates: list[str], limits: dict | None = None) -> dict:
    """One participant's workbook: ``{datei, kennung, name, rolle, status, fehler, punkte,
    begruendungen}`` — ``punkte`` maps every candidate indicator to its points (0 where left
    empty), ``status`` is ``ok`` or ``fehler``; nothing of a workbook with problems is used.
    Never raises for what the file contains."""
    path = Path(path)
    out = {"datei": path.name, "kennung": "", "name": "", "rolle": "", "punkte": {}, "begruendungen": {}}
    try:
        problems = _Problems()
        _read(path, candidates, limits, out, problems)
    except InputError as err:
        problems.items = [err.problem + (f" – {err.hint}" if err.hint else "")]
    except Exception as exc:  # noqa: BLE001 – a participant's file must never stop the district
        problems.items = [
            f"die Arbeitsmappe ließ sich nicht auswerten ({type(exc).__name__}) – "
            "die Vorlage in Excel oder LibreOffice öffnen, ausfüllen und als .xlsx speichern"
        ]
    return {**out, "status": "fehler" if problems.items else "ok", "fehler": problems.items}


def _read(path: Path, candidates: list[str], limits: dict | None, out: dict, problems: _Problems) -> None:
    names = sheet_names(path, limits)
    missing = [s for s in SHEETS if s not in names]
    if missing:
        problems.add(
            missing[0], None, None, f"Tabellenblatt fehlt (vorhanden: {', '.join(names)[:200]})", "die Vorlage verwenden"
        )
        return
    _read_participant(read_sheet(path, "Teilnehmer", limits), out, problems)
    _read_points(read_sheet(path, "Gewichte", limits), candidates, out, problems)


def _read_participant(rows: list[list], out: dict, problems: _Problems) -> None:
    meta = {_text(r[0]).lower(): _text(r[1]) for r in rows if len(r) >= 2 and _text(r[0])}
    out["name"] = meta.get("teilnehmer", "")[:120]
    out["kennung"] = meta.get("kennung", "").lower()
    out["rolle"] = meta.get("rolle", "").lower()
    if not out["name"]:
        problems.add("Teilnehmer", None, "Teilnehmer", "der Name fehlt", "in der Zeile „Teilnehmer“ den Namen eintragen")
    if not re.fullmatch(KENNUNG, out["kennung"]):
        problems.add(
            "Teilnehmer",
            None,
            "Kennung",
            f"„{out['kennung'][:40]}“ ist keine Kennung",
            "Kleinbuchstaben, Ziffern und Bindestriche, wie in der Vorlage",
        )
    if out["rolle"] not in ROLES:
        problems.add(
            "Teilnehmer", None, "Rolle", f"„{out['rolle'][:40]}“ ist keine bekannte Rolle", f"eine von: {', '.join(ROLES)}"
        )


def _read_points(rows: list[list], candidates: list[str], out: dict, problems: _Problems) -> None:
    header = next((i for i, r in enumerate(rows) if _text(r[0]) == "Kennung"), None) if rows else None
    if header is None or "Punkte" not in [_text(c) for c in rows[header]]:
        problems.add("Gewichte", None, None, "die Kopfzeile mit „Kennung“ und „Punkte“ fehlt", "die Vorlage verwenden")
        return
    cols = {_text(c): j for j, c in enumerate(rows[header])}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[header + 1 :], start=header + 2):
        kennung = _text(row[cols["Kennung"]])
        if not kennung and (all(_text(c) == "" for c in row) or _text(row[1]).startswith("Summe")):
            continue  # an empty row, or the template's sum row
        if kennung not in candidates:
            problems.add(
                "Gewichte", i, "Kennung", f"unbekannter Indikator „{kennung[:60]}“", "nur die Zeilen der Vorlage verwenden"
            )
            continue
        if kennung in seen:
            problems.add("Gewichte", i, "Kennung", f"„{kennung}“ steht schon in Zeile {seen[kennung]}", "die Zeile löschen")
            continue
        seen[kennung] = i
        value = _points(row[cols["Punkte"]])
        if value is None:
            problems.add(
                "Gewichte",
                i,
                "Punkte",
                f"„{_text(row[cols['Punkte']])[:40]}“ ist keine Zahl",
                "eine Zahl von 0 bis 100 eintragen",
            )
        elif value < 0:
            problems.add("Gewichte", i, "Punkte", f"{_text(row[cols['Punkte']])} ist negativ", "0 oder mehr Punkte vergeben")
        else:
            out["punkte"][kennung] = value
        reason = _text(row[cols["Begründung"]]) if "Begründung" in cols else ""
        if reason:
            out["begruendungen"][kennung] = reason[:MAX_REASON]
    missing = [c for c in candidates if c not in seen]
    if missing:
        problems.add(
            "Gewichte", None, "Kennung", f"es fehlen die Zeilen {', '.join(missing)}", "die Zeilen der Vorlage nicht löschen"
        )
    total = sum(out["punkte"].values())
    if len(out["punkte"]) == len(candidates) and abs(total - TOTAL) > 0.01:
        problems.add(
            "Gewichte",
            None,
            "Punkte",
            f"die Punkte ergeben zusammen {total:g}".replace(".", ","),
            "genau 100 Punkte auf die Indikatoren verteilen",
        )
    out["punkte"] = {c: out["punkte"].get(c, 0.0) for c in candidates}


def workbooks(folder: Path) -> list[Path]:
    """The filled workbooks of a district (``data/raw/<folder>/beteiligung/*.xlsx``), without
    Office's lock files."""
    folder = Path(folder) / FOLDER
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith(("~$", ".")))


def read_participants(folder: Path, candidates: list[str], limits: dict | None = None) -> list[dict]:
    """Every participant's workbook, checked one by one; two workbooks with the same Kennung:
    the second is refused."""
    out, kennungen = [], {}
    for path in workbooks(folder):
        p = read_workbook(path, candidates, limits)
        if p["status"] == "ok" and p["kennung"] in kennungen:
            p = {
                **p,
                "status": "fehler",
                "fehler": [f"die Kennung „{p['kennung']}“ hat schon {kennungen[p['kennung']]} – jede Kennung nur einmal"],
            }
        if p["status"] == "ok":
            kennungen[p["kennung"]] = p["datei"]
        out.append(p)
    return out


EXPLANATION = [
    "Beteiligung an der Gewichtung der Bedarfsindikatoren",
    "",
    "Der Sozialindex fasst die Indikatoren auf dem Blatt „Gewichte“ zu einem Wert je Gemeinde oder Sozialraum",
    "zusammen. Wie stark jeder Indikator zählt, legen die Beteiligten gemeinsam fest: Verteilen Sie in der Spalte",
    "„Punkte“ genau 100 Punkte auf die Indikatoren (0 ist erlaubt, Nachkommastellen mit Komma). Je mehr Punkte,",
    "desto stärker bestimmt der Indikator aus Ihrer Sicht den Bedarf. In „Begründung“ können Sie kurz sagen, warum",
    f"(höchstens {MAX_REASON} Zeichen). Bitte keine Zeilen oder Spalten löschen und die Kennungen nicht ändern.",
    "",
    "Die Gewichte aller Beteiligten werden zu einem Konsens zusammengeführt (Median je Indikator). Der Bericht",
    "zeigt den Index mit gleichen und mit den Konsensgewichten und wie sicher jede Einstufung ist; Sie erhalten",
    "eine Rückmeldung, was Ihre eigene Gewichtung geändert hätte.",
]


def write_template(path: Path, participant: dict, kreis: str, year: int, rows: list[dict], stamp: str) -> Path:
    """A participant's workbook: the explanation, the participant's sheet (name, Kennung, role,
    Kreis, year) and the candidate indicators (``rows``: kennung, name, definition, wert, einheit,
    stand) with an empty points column. Byte-identical for the same content (``stamp``: the fixed
    save date). The values are the published ones (disclosure-controlled) — nothing else."""

    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from sozialbericht.core.files import save_workbook

    wb = Workbook()
    info = wb.active
    info.title = "Erläuterung"
    for line in EXPLANATION:
        info.append([line])
    t = wb.create_sheet("Teilnehmer")
    t.append(["Feld", "Wert"])
    for key, value in (
        ("Teilnehmer", participant["name"]),
        ("Kennung", participant["kennung"]),
        ("Rolle", participant["rolle"]),
        ("Kreis", kreis),
        ("Berichtsjahr", year),
    ):
        t.append([key, value])
    g = wb.create_sheet("Gewichte")
    g.append(COLUMNS)
    for r in rows:
        g.append(
            [r["kennung"], r["name"], r.get("definition", ""), r.get("wert"), r.get("einheit", ""), r.get("stand", ""), None, ""]
        )
    last = len(rows) + 1
    g.append(["", "Summe (muss 100 ergeben)", "", "", "", "", f"=SUM(G2:G{last})", ""])
    points = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    points.error = "Bitte eine Zahl von 0 bis 100 eintragen."
    points.add(f"G2:G{last}")
    reason = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_REASON), allow_blank=True)
    reason.add(f"H2:H{last}")
    g.add_data_validation(points)
    g.add_data_validation(reason)
    for column, width in zip("ABCDEFGH", (26, 40, 60, 16, 14, 12, 10, 50)):
        g.column_dimensions[column].width = width
    return save_workbook(wb, path, stamp)
