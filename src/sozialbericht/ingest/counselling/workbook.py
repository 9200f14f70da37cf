"""One provider's workbook of the counselling data standard (config/beratung.yaml), read and checked.

Each free provider delivers ``data/raw/<folder>/beratung/<name>.xlsx`` with the sheets

* ``Traeger``: ``Feld`` / ``Wert`` rows — ``Träger`` (name), ``Berichtsjahr``, optionally
  ``Kennung`` (short name for file names), ``Ansprechperson``, ``E-Mail``;
* ``Faelle``: one row per anonymous case, or per group of identical cases with ``anzahl``:
  ``wohnort_ars`` (12-digit ARS of the Gemeinde of residence, or ``außerhalb``), ``beratungsfeld``,
  ``altersgruppe``, ``geschlecht``, ``haushaltstyp`` and one column per problem area (``x``, ``1``
  or ``ja`` when the area was addressed); optional ``fall_nr`` and ``anzahl``;
* ``Stellen``: one row per site and field: ``standort_ars``, ``standort``, ``beratungsfeld``,
  ``vzae`` (full-time equivalents), optional ``oeffnungsstunden`` (per week), ``barrierefrei``
  (ja / nein / teilweise) and ``sprachen``.

Every workbook is checked on its own; all problems of a workbook are collected (up to
``MAX_PROBLEMS``) with sheet, row, Excel column and how to fix it, so that a provider can correct
its file in one go. Whatever the file contains, reading it never raises: a provider with problems
is refused (``status`` ``fehler``), not the district.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sozialbericht.core.checksums import sha256
from sozialbericht.core.errors import InputError
from sozialbericht.ingest.counselling.multiproblem import is_multi
from sozialbericht.ingest.templates import rows_xlsx
from sozialbericht.ingest.xlsx import sheet_names

SHEETS = ("Traeger", "Faelle", "Stellen")
OUTSIDE = "außerhalb"
MAX_PROBLEMS = 25
_YES = {"x", "1", "ja", "j", "wahr", "true"}
_NO = {"", "0", "nein", "n", "falsch", "false", "-"}
_ACCESS = {"ja", "nein", "teilweise", ""}


def slug(text: str) -> str:
    """A file-name-safe short name: "Träger A – Diakonie" → "traeger-a-diakonie"."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-") or "traeger"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (the column as Excel shows it)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


class _Problems:
    """The problems found in one workbook, as sentences a provider's staff can act on."""

    def __init__(self, path: Path):
        self.path, self.items = path, []

    def add(self, sheet: str, row: int | None, column: str | None, letter: str | None, what: str, fix: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            return
        place = f"Blatt „{sheet}“" + (f", Zeile {row}" if row else "")
        if column:
            place += f", Spalte {letter} („{column}“)" if letter else f", Spalte „{column}“"
        self.items.append(f"{place}: {what} – {fix}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _number(text: str) -> float | None:
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def read_provider(
    path: Path, standard: dict, gemeinden: dict[str, str], population: dict[str, float] | None = None, limits: dict | None = None
) -> dict:
    """One provider's workbook, checked: ``{kennung, name, jahr, status, fehler, faelle, stellen, …}``.

    ``faelle`` is a DataFrame of the cases (one row per workbook row, with ``anzahl``, the flags of
    the problem areas and the derived ``mehrfach``), ``stellen`` one of the sites. ``status`` is
    ``ok`` or ``fehler`` (``fehler`` lists the problems; nothing of such a file is used).

    The file comes from outside: whatever it contains (too large, damaged, a sheet the reader
    cannot parse) ends as ``fehler`` of this provider only, never as an exception of the district.
    ``population`` (Gemeinde → inhabitants) bounds the cases a provider can have in a Gemeinde;
    ``limits`` bound the work of reading (ingest/xlsx.py ``preflight``)."""
    path = Path(path)
    out = {"datei": path.name, "sha256": sha256(path), "kennung": slug(path.stem), "name": path.stem, "jahr": None}
    try:
        return _read_provider(path, out, standard, gemeinden, population or {}, limits)
    except InputError as err:
        text = err.problem + (f" (erwartet: {err.expected})" if err.expected else "") + (f" – {err.hint}" if err.hint else "")
        return {**out, "status": "fehler", "fehler": [text]}
    except Exception as exc:  # noqa: BLE001 – a provider's file must never stop the district
        return {
            **out,
            "status": "fehler",
            "fehler": [
                f"die Arbeitsmappe ließ sich nicht auswerten ({type(exc).__name__}) – die Datei in Excel öffnen, "
                "als .xlsx nach der Vorlage speichern und erneut liefern"
            ],
        }


def _read_provider(path: Path, out: dict, standard: dict, gemeinden: dict, population: dict, limits: dict | None) -> dict:
    problems = _Problems(path)
    names = sheet_names(path, limits)
    missing = [s for s in SHEETS if s not in names]
    if missing:
        problems.add(
            missing[0],
            None,
            None,
            None,
            f"Tabellenblatt fehlt (vorhanden: {', '.join(names)})",
            "die Blätter „Traeger“, „Faelle“ und „Stellen“ wie in der Vorlage benennen",
        )
        return {**out, "status": "fehler", "fehler": problems.items}
    out.update(_read_meta(path, problems, limits))
    faelle = _read_cases(path, standard, gemeinden, problems, limits)
    _check_population(faelle, population, gemeinden, problems)
    stellen = _read_sites(path, standard, gemeinden, problems, limits)
    if problems:
        return {**out, "status": "fehler", "fehler": problems.items}
    return {**out, "status": "ok", "fehler": [], "faelle": faelle, "stellen": stellen}


def _read_meta(path: Path, problems: _Problems, limits: dict | None) -> dict:
    """The sheet ``Traeger``: name, Kennung, year, contact person and e-mail of the provider."""
    meta = {r[0].strip().lower(): r[1].strip() for r in rows_xlsx(path, "Traeger", limits) if len(r) >= 2 and r[0].strip()}
    name = meta.get("träger") or meta.get("traeger") or ""
    if not name:
        problems.add("Traeger", None, "Träger", "B", "der Name des Trägers fehlt", "in der Zeile „Träger“ den Namen eintragen")
    year = meta.get("berichtsjahr", "")
    if not re.fullmatch(r"\d{4}", year):
        problems.add(
            "Traeger", None, "Berichtsjahr", "B", f"„{year}“ ist kein Jahr", "das Berichtsjahr vierstellig eintragen, z. B. 2020"
        )
    return {
        "name": name or path.stem,
        "kennung": slug(meta.get("kennung") or name or path.stem),
        "jahr": int(year) if re.fullmatch(r"\d{4}", year) else None,
        "ansprechperson": meta.get("ansprechperson", ""),
        "email": meta.get("e-mail", ""),
    }


def _header(rows: list[list[str]], sheet: str, needed: list[str], problems: _Problems) -> dict[str, int] | None:
    if not rows:
        problems.add(sheet, None, None, None, "das Blatt ist leer", "die Kopfzeile aus der Vorlage übernehmen")
        return None
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in needed if c not in header]
    if missing:
        problems.add(
            sheet,
            1,
            ", ".join(missing),
            None,
            "Pflichtspalte(n) fehlen in der Kopfzeile",
            "die Kopfzeile aus der Vorlage kopieren (Schreibweise wie dort, weitere Spalten sind erlaubt)",
        )
        return None
    return {c: header.index(c) for c in header if c}


def _data_rows(path: Path, sheet: str, needed: list[str], problems: _Problems, limits: dict | None = None):
    """``(row number, cell, bad)`` for every non-empty data row of a sheet whose header has the
    ``needed`` columns: ``cell(column)`` is the cell's text ("" for an absent optional column),
    ``bad(column, what, fix)`` records a problem at that cell."""
    rows = rows_xlsx(path, sheet, limits)
    col = _header(rows, sheet, needed, problems)
    if col is None:
        return
    for i, r in enumerate(rows[1:], start=2):
        if not any(r):
            continue
        r = r + [""] * (len(rows[0]) - len(r))

        def cell(name, r=r):
            return r[col[name]].strip() if name in col else ""

        def bad(name, what, fix, i=i):
            problems.add(sheet, i, name, column_letter(col[name]) if name in col else None, what, fix)

        yield i, cell, bad


def _field(cell, bad, standard: dict) -> str:
    field = cell("beratungsfeld")
    if field not in standard["beratungsfelder"]:
        bad(
            "beratungsfeld",
            f"„{field}“ ist kein Beratungsfeld des Standards",
            "einen Eintrag aus der Auswahlliste der Vorlage wählen",
        )
    return field


def _read_cases(
    path: Path, standard: dict, gemeinden: dict[str, str], problems: _Problems, limits: dict | None = None
) -> pd.DataFrame:
    sheet = "Faelle"
    areas = [p["id"] for p in standard["problemlagen"]]
    records = []
    for i, cell, bad in _data_rows(
        path, sheet, ["wohnort_ars", "beratungsfeld", *standard["merkmale"], *areas], problems, limits
    ):
        records.append(_case_record(i, cell, bad, standard, gemeinden))
    if not records and not problems:
        problems.add(
            sheet, None, None, None, "keine Fälle eingetragen", "eine Zeile je Fall (oder je Gruppe gleicher Fälle mit „anzahl“)"
        )
    return pd.DataFrame(records)


def _case_record(i: int, cell, bad, standard: dict, gemeinden: dict[str, str]) -> dict:
    """One row of the sheet ``Faelle``: residence, field, characteristics, ``anzahl``, the flags of
    the problem areas and the derived ``mehrfach``."""
    ars = cell("wohnort_ars")
    if ars != OUTSIDE and ars not in gemeinden:
        if re.fullmatch(r"\d{12}", ars):
            bad(
                "wohnort_ars",
                f"„{ars}“ ist keine Gemeinde des Kreises",
                "den ARS der Wohngemeinde prüfen oder „außerhalb“ eintragen",
            )
        else:
            bad(
                "wohnort_ars",
                f"„{ars}“ ist kein zwölfstelliger Gemeindeschlüssel (ARS)",
                "die Spalte in Excel als Text formatieren (führende Nullen) und den ARS aus der Liste im Blatt "
                "„Erläuterung“ eintragen; Wohnort außerhalb des Kreises: „außerhalb“",
            )
    field = _field(cell, bad, standard)
    record = {"zeile": i, "wohnort_ars": ars, "beratungsfeld": field}
    for trait, allowed in standard["merkmale"].items():
        value = cell(trait) or "unbekannt"
        if value not in allowed:
            bad(trait, f"„{value}“ ist nicht zulässig", f"eine von: {', '.join(allowed)}")
        record[trait] = value
    count = cell("anzahl") or "1"
    if not re.fullmatch(r"\d{1,9}", count) or int(count) < 1:
        bad("anzahl", f"„{count[:30]}“ ist keine Fallzahl", "eine ganze Zahl ab 1 eintragen (leer = 1 Fall)")
        count = "1"
    record["anzahl"] = int(count or "1")
    flagged = set()
    for a in (p["id"] for p in standard["problemlagen"]):
        value = cell(a).lower()
        if value in _YES:
            flagged.add(a)
        elif value not in _NO:
            bad(
                a,
                f"„{cell(a)}“ ist kein Ankreuzwert",
                "„x“ eintragen, wenn die Problemlage bearbeitet wurde, sonst leer lassen",
            )
        record[a] = a in flagged
    record["mehrfach"] = is_multi(flagged, standard)
    return record


def _check_population(faelle: pd.DataFrame, population: dict, gemeinden: dict, problems: _Problems) -> None:
    """A provider's cases of a year in a Gemeinde cannot exceed its inhabitants: the row with the
    largest ``anzahl`` of such a Gemeinde is named (the provider, not the district, is refused)."""
    if not len(faelle) or not population:
        return
    inside = faelle[faelle["wohnort_ars"].isin(population)]
    for ars, d in inside.groupby("wohnort_ars", sort=True):
        if d["anzahl"].sum() > population[ars]:
            worst = d.loc[d["anzahl"].idxmax()]
            problems.add(
                "Faelle",
                int(worst["zeile"]),
                "anzahl",
                None,
                f"{int(d['anzahl'].sum())} Fälle aus {gemeinden.get(ars, ars)} sind mehr, als die Gemeinde Einwohner hat "
                f"({int(population[ars])}); größter Eintrag: anzahl {int(worst['anzahl'])}",
                "die Fallzahl in „anzahl“ prüfen (eine Zeile je Fall oder je Gruppe gleicher Fälle)",
            )


def _read_sites(
    path: Path, standard: dict, gemeinden: dict[str, str], problems: _Problems, limits: dict | None = None
) -> pd.DataFrame:
    records = [
        _site_record(i, cell, bad, standard, gemeinden)
        for i, cell, bad in _data_rows(path, "Stellen", ["standort_ars", "standort", "beratungsfeld", "vzae"], problems, limits)
    ]
    return pd.DataFrame(records)


def _site_record(i: int, cell, bad, standard: dict, gemeinden: dict[str, str]) -> dict:
    """One row of the sheet ``Stellen``: site, field, full-time equivalents, opening hours,
    accessibility and languages."""
    ars = cell("standort_ars")
    if ars not in gemeinden:
        bad(
            "standort_ars",
            f"„{ars}“ ist kein Gemeindeschlüssel des Kreises",
            "den zwölfstelligen ARS der Standortgemeinde eintragen (als Text)",
        )
    if not cell("standort"):
        bad("standort", "die Bezeichnung der Stelle fehlt", "Name oder Anschrift der Beratungsstelle eintragen")
    field = _field(cell, bad, standard)
    vzae = _number(cell("vzae"))
    if vzae is None or not 0 <= vzae <= 50:
        bad("vzae", f"„{cell('vzae')}“ ist keine Stellenzahl", "Vollzeitäquivalente als Zahl eintragen, z. B. 1,5")
    hours = _number(cell("oeffnungsstunden")) if cell("oeffnungsstunden") else None
    if cell("oeffnungsstunden") and (hours is None or not 0 <= hours <= 80):
        bad(
            "oeffnungsstunden",
            f"„{cell('oeffnungsstunden')}“ sind keine Wochenstunden",
            "Öffnungsstunden je Woche als Zahl eintragen",
        )
    access = cell("barrierefrei").lower()
    if access not in _ACCESS:
        bad("barrierefrei", f"„{cell('barrierefrei')}“ ist nicht zulässig", "ja, nein oder teilweise eintragen")
    return {
        "zeile": i,
        "standort_ars": ars,
        "standort": cell("standort"),
        "beratungsfeld": field,
        "vzae": vzae or 0.0,
        "oeffnungsstunden": hours,
        "barrierefrei": access,
        "sprachen": cell("sprachen"),
    }
