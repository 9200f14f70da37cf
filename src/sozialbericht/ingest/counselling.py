"""The counselling data standard (config/beratung.yaml): one workbook per provider and year.

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
its file in one go. A provider with problems is left out of the report (the report's data-quality
annex and the provider's receipt say why) unless the district demands a complete counselling
chapter (``beratung_vollstaendig: true``). Multi-problem cases are derived by one rule for all
providers (``mehrfachproblematik.mindestens_bereiche`` areas of life), never reported by them.

The providers that passed become the two staged tables of the old aggregate template
(``beratung_faelle``, ``beratung_stellen``), keyed by the columns ``traeger`` (the provider's
Kennung) and ``beratungsfeld`` (tidy.py), so indicators, disclosure control and the chapter work
as before; ``summary`` keeps per provider what its receipt needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sozialbericht.core.checksums import sha256
from sozialbericht.core.errors import InputError
from sozialbericht.core.tidy import KENNUNG, KEY_COLUMNS, TIDY_COLUMNS
from sozialbericht.ingest.templates import rows_xlsx
from sozialbericht.ingest.xlsx import sheet_names

FOLDER = "beratung"
SHEETS = ("Traeger", "Faelle", "Stellen")
OUTSIDE = "außerhalb"
MAX_PROBLEMS = 25
_YES = {"x", "1", "ja", "j", "wahr", "true"}
_NO = {"", "0", "nein", "n", "falsch", "false", "-"}
_ACCESS = {"ja", "nein", "teilweise", ""}


def _is_template(p: Path) -> bool:
    return p.name.startswith(("~$", ".")) or "vorlage" in p.stem.lower()


def provider_files(folder: Path) -> list[Path]:
    """The providers' workbooks of a district folder (Excel lock files and templates are skipped)."""
    d = Path(folder) / FOLDER
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.suffix == ".xlsx" and p.is_file() and not _is_template(p))


def unread_files(folder: Path) -> list[str]:
    """Names of everything else in the providers' folder (``.xlsm``, ``.XLSX``, ``.csv``, folders …):
    not read, so named in the log and the data-quality annex instead of being silently ignored."""
    d = Path(folder) / FOLDER
    if not d.is_dir():
        return []
    read = set(provider_files(folder))
    return sorted(p.name for p in d.iterdir() if p not in read and not (p.suffix == ".xlsx" and _is_template(p)))


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


def is_multi(areas: set[str], standard: dict) -> bool:
    """The multi-problem rule: problem areas from at least ``mindestens_bereiche`` areas of life."""
    bereich = {p["id"]: p["bereich"] for p in standard["problemlagen"]}
    return len({bereich[a] for a in areas}) >= standard["mehrfachproblematik"]["mindestens_bereiche"]


def rule_text(standard: dict) -> str:
    """The multi-problem rule in German, for the report and the receipts."""
    areas: dict[str, list[str]] = {}
    for p in standard["problemlagen"]:
        areas.setdefault(p["bereich"], []).append(p["name"])
    n = standard["mehrfachproblematik"]["mindestens_bereiche"]
    listed = "; ".join(f"{b}: {', '.join(names)}" for b, names in areas.items())
    return (
        f"Als Fall mit Mehrfachproblematik zählt ein Fall, in dem Problemlagen aus mindestens {n} "
        f"verschiedenen Lebensbereichen bearbeitet wurden ({listed}). Die Regel ist für alle Träger gleich; "
        "die Träger melden nur die bearbeiteten Problemlagen."
    )


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
    ``limits`` bound the work of reading (io/xlsx.py ``preflight``)."""
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

    meta = {r[0].strip().lower(): r[1].strip() for r in rows_xlsx(path, "Traeger", limits) if len(r) >= 2 and r[0].strip()}
    name = meta.get("träger") or meta.get("traeger") or ""
    if not name:
        problems.add("Traeger", None, "Träger", "B", "der Name des Trägers fehlt", "in der Zeile „Träger“ den Namen eintragen")
    year = meta.get("berichtsjahr", "")
    if not re.fullmatch(r"\d{4}", year):
        problems.add(
            "Traeger", None, "Berichtsjahr", "B", f"„{year}“ ist kein Jahr", "das Berichtsjahr vierstellig eintragen, z. B. 2020"
        )
    out.update(
        name=name or path.stem,
        kennung=slug(meta.get("kennung") or name or path.stem),
        jahr=int(year) if re.fullmatch(r"\d{4}", year) else None,
        ansprechperson=meta.get("ansprechperson", ""),
        email=meta.get("e-mail", ""),
    )
    faelle = _read_cases(path, standard, gemeinden, problems, limits)
    _check_population(faelle, population, gemeinden, problems)
    stellen = _read_sites(path, standard, gemeinden, problems, limits)
    if problems:
        return {**out, "status": "fehler", "fehler": problems.items}
    return {**out, "status": "ok", "fehler": [], "faelle": faelle, "stellen": stellen}


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
    traits = standard["merkmale"]
    records = []
    for i, cell, bad in _data_rows(path, sheet, ["wohnort_ars", "beratungsfeld", *traits, *areas], problems, limits):
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
        for trait, allowed in traits.items():
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
        for a in areas:
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
        records.append(record)
    if not records and not problems:
        problems.add(
            sheet, None, None, None, "keine Fälle eingetragen", "eine Zeile je Fall (oder je Gruppe gleicher Fälle mit „anzahl“)"
        )
    return pd.DataFrame(records)


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
    sheet = "Stellen"
    records = []
    for i, cell, bad in _data_rows(path, sheet, ["standort_ars", "standort", "beratungsfeld", "vzae"], problems, limits):
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
        records.append(
            {
                "zeile": i,
                "standort_ars": ars,
                "standort": cell("standort"),
                "beratungsfeld": field,
                "vzae": vzae or 0.0,
                "oeffnungsstunden": hours,
                "barrierefrei": access,
                "sprachen": cell("sprachen"),
            }
        )
    return pd.DataFrame(records)


def read_providers(
    folder: Path,
    standard: dict,
    gemeinden: dict[str, str],
    year: int,
    population: dict[str, float] | None = None,
    limits: dict | None = None,
) -> list[dict]:
    """Every provider workbook of the district: this year's are checked for the report, last
    year's (if delivered) are kept for the comparison in the receipts.

    A provider is identified by its Kennung and year. Files do not win by their names' order: when
    two or more files claim the same Kennung for the same year, every one of them is refused with
    a message naming all of them (the district learns of it; with ``beratung_vollstaendig: true``
    the run stops)."""
    providers = []
    for path in provider_files(folder):
        p = read_provider(path, standard, gemeinden, population, limits)
        if p["jahr"] not in (year, year - 1) and p["status"] == "ok":
            continue
        providers.append(p)
    claims: dict[tuple, list[str]] = {}
    for p in providers:
        if p["jahr"] is not None:
            claims.setdefault((p["kennung"], p["jahr"]), []).append(p["datei"])
    out = []
    for p in providers:
        files = claims.get((p["kennung"], p["jahr"]), [])
        if len(files) > 1:
            p = {
                **p,
                "status": "fehler",
                "fehler": [
                    f"die Kennung „{p['kennung']}“ für {p['jahr']} beanspruchen {len(files)} Dateien "
                    f"({', '.join(files)}) – keine wird übernommen, bis der Kreis geklärt hat, welche vom Träger stammt; "
                    "je Träger und Jahr nur eine Datei liefern, andere Träger mit einer eigenen Kennung",
                    *(e for e in p["fehler"]),
                ],
            }
        out.append(p)
    return out


def staged_tables(providers: list[dict], year: int, gemeinden: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The tidy tables ``beratung_faelle`` and ``beratung_stellen`` from the accepted providers of
    ``year``: the tidy columns with the measure as ``variable`` and the key columns ``traeger``
    (the provider's Kennung) and ``beratungsfeld`` (tidy.py)."""
    cases, sites = [], []
    for p in providers:
        if p["status"] != "ok" or p["jahr"] != year:
            continue
        src = f"{FOLDER}/{p['datei']}"
        f = p["faelle"]
        f = f[f["wohnort_ars"] != OUTSIDE]
        if len(f):
            g = f.assign(m=f["anzahl"] * f["mehrfach"]).groupby(["wohnort_ars", "beratungsfeld"], sort=True)
            for (ars, field), d in g:
                for var, value in (("faelle", d["anzahl"].sum()), ("mehrfachproblematik", d["m"].sum())):
                    cases.append(_tidy(ars, year, var, p["kennung"], field, float(value), "Anzahl", src, int(d["zeile"].min())))
        s = p["stellen"]
        if len(s):
            for (ars, field), d in s.groupby(["standort_ars", "beratungsfeld"], sort=True):
                sites.append(
                    _tidy(ars, year, "vzae", p["kennung"], field, float(d["vzae"].sum()), "VZÄ", src, int(d["zeile"].min()))
                )
    columns = [*TIDY_COLUMNS, *KEY_COLUMNS]
    types = {"value": float, "row": int}  # also when no provider delivered for this year
    out = {
        "beratung_faelle": pd.DataFrame(cases, columns=columns).astype(types),
        "beratung_stellen": pd.DataFrame(sites, columns=columns).astype(types),
    }
    return {k: v.assign(area_name=v["area_id"].map(gemeinden).fillna("")) for k, v in out.items()}


def _tidy(ars, year, var, provider, field, value, unit, source, row) -> dict:
    # Provider and field are columns of their own, never parts of a string: the provider is its
    # Kennung (a slug, tidy.KENNUNG), the field one of the standard's names (checked by the reader);
    # a provider's name never enters a key.
    if not re.fullmatch(KENNUNG, provider) or not isinstance(field, str) or not field:
        raise ValueError(f"unsafe key: {provider!r}, {field!r}")
    return {
        "area_id": ars,
        "area_name": "",
        "area_level": "gemeinde",
        "period": str(year),
        "variable": var,
        "unit": unit,
        "value": value,
        "flag": "",
        "source": source,
        "row": row,
        "traeger": provider,
        "beratungsfeld": field,
    }


def kennung_column(df: pd.DataFrame) -> pd.DataFrame:
    """A counselling table of the old aggregate workbook keyed like the standard's: its column
    ``traeger`` (the provider's name as the district wrote it) becomes the provider's Kennung
    (``slug``), so that a provider is one key whichever form it delivered in."""
    if "traeger" not in df:
        return df
    return df.assign(traeger=df["traeger"].map(slug))


def summary(providers: list[dict], standard: dict, year: int, unread: list[str] | None = None) -> dict:
    """Per provider what its receipt and the chapter need (JSON): status and problems, and for an
    accepted provider its cases by field, Gemeinde, problem area and characteristic, and its sites.
    Internal (results/): counts are exact here; disclosure control happens where they are shown."""
    previous = {p["kennung"]: p for p in providers if p["jahr"] == year - 1 and p["status"] == "ok"}
    out = []
    for p in providers:
        if p["jahr"] != year and not (p["status"] != "ok" and p["jahr"] is None):
            continue
        entry = {
            k: p.get(k) for k in ("kennung", "name", "datei", "sha256", "jahr", "status", "fehler", "ansprechperson", "email")
        }
        if p["status"] == "ok":
            entry.update(_figures(p, standard))
            last = previous.get(p["kennung"])
            entry["vorjahr"] = _figures(last, standard) if last else None
        out.append(entry)
    out.sort(key=lambda e: (e["kennung"], e["datei"]))
    taken: set[str] = set()
    for e in out:  # receipts are named traeger/<kennung>: files claiming one Kennung get one each
        base, n = e["kennung"], 1
        while e["kennung"] in taken:
            n += 1
            e["kennung"] = f"{base}-{n}"
        taken.add(e["kennung"])
    return {
        "jahr": year,
        "nicht_gelesen": list(unread or []),
        "regel": rule_text(standard),
        "problemlagen": [{k: p[k] for k in ("id", "name", "bereich")} for p in standard["problemlagen"]],
        "merkmale": standard["merkmale"],
        "traeger": sorted(out, key=lambda e: e["kennung"]),
    }


def _figures(p: dict, standard: dict) -> dict:
    f, s = p["faelle"], p["stellen"]
    n = f["anzahl"]
    areas = [a["id"] for a in standard["problemlagen"]]
    by_field = {
        field: {
            "faelle": int(d["anzahl"].sum()),
            "mehrfach": int((d["anzahl"] * d["mehrfach"]).sum()),
            "problemlagen": {a: int((d["anzahl"] * d[a]).sum()) for a in areas},
        }
        for field, d in f.groupby("beratungsfeld", sort=True)
    }
    inside = f[f["wohnort_ars"] != OUTSIDE]
    gemeinden: dict[str, dict] = {}
    for (ars, fd), x in inside.groupby(["wohnort_ars", "beratungsfeld"])["anzahl"].sum().items():
        gemeinden.setdefault(ars, {})[fd] = int(x)
    return {
        "datensaetze": int(len(f)),
        "faelle": int(n.sum()),
        "mehrfach": int((n * f["mehrfach"]).sum()),
        "ausserhalb": int(f.loc[f["wohnort_ars"] == OUTSIDE, "anzahl"].sum()),
        "felder": by_field,
        "gemeinden": gemeinden,
        "merkmale": {t: {v: int(x) for v, x in f.groupby(t)["anzahl"].sum().items()} for t in standard["merkmale"]},
        "stellen": [{k: (None if pd.isna(v) else v) for k, v in r.items() if k != "zeile"} for r in s.to_dict("records")],
        "vzae": float(s["vzae"].sum()) if len(s) else 0.0,
    }


# --- the workbook of the standard: template for providers, and the synthetic example ----------
EXPLANATION = [
    "Beratungsdatenstandard – Lieferung eines Trägers an die Sozialplanung",
    "",
    "Eine Arbeitsmappe je Träger und Berichtsjahr. Bitte nur die Blätter „Traeger“, „Faelle“ und „Stellen“ ausfüllen;",
    "Spaltenüberschriften nicht ändern. Die Daten sind anonym: keine Namen, Anschriften oder Geburtsdaten.",
    "",
    "Blatt „Traeger“: Name des Trägers, Berichtsjahr (JJJJ), optional Kennung, Ansprechperson, E-Mail.",
    "Blatt „Faelle“: eine Zeile je Beratungsfall des Jahres (oder je Gruppe gleicher Fälle mit der Zahl in „anzahl“).",
    "  wohnort_ars: Gemeindeschlüssel der Wohngemeinde (Liste unten; als Text, mit führenden Nullen), sonst „außerhalb“",
    "  beratungsfeld, altersgruppe, geschlecht, haushaltstyp: ein Wert aus den Listen unten (Auswahlliste in der Zelle)",
    "  Problemlagen: je Spalte ein „x“, wenn die Problemlage im Fall bearbeitet wurde; sonst leer",
    "Blatt „Stellen“: eine Zeile je Standort und Beratungsfeld: standort_ars, standort (Name/Anschrift), beratungsfeld,",
    "  vzae (Vollzeitäquivalente, z. B. 1,5), oeffnungsstunden (je Woche), barrierefrei (ja/nein/teilweise), sprachen",
    "",
    "Mehrfachproblematik melden Sie nicht selbst: die Sozialplanung leitet sie nach einer Regel für alle Träger ab.",
]


def write_workbook(
    path: Path, standard: dict, gemeinden: dict[str, str], meta: dict, cases: list[dict], sites: list[dict], stamp: str
) -> Path:
    """A workbook of the data standard: explanation with every allowed value and Gemeinde key,
    the three data sheets (with drop-down lists), filled with ``cases`` and ``sites`` (empty for
    the template). Byte-identical for the same content (``stamp``: the fixed save date)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from sozialbericht.core.files import normalise_zip

    areas = [p["id"] for p in standard["problemlagen"]]
    traits = list(standard["merkmale"])
    wb = Workbook()
    info = wb.active
    info.title = "Erläuterung"
    for line in EXPLANATION + [rule_text(standard), ""]:
        info.append([line])
    lists = {}  # list name → its cells in the explanation sheet (the drop-down lists refer to them)

    def listing(title, values):
        info.append([title])
        first = info.max_row + 1
        for v in values:
            info.append(["", v])
        lists[title] = f"'Erläuterung'!$B${first}:$B${info.max_row}"

    listing("beratungsfeld", standard["beratungsfelder"])
    for t in traits:
        listing(t, standard["merkmale"][t])
    listing("barrierefrei", ["ja", "nein", "teilweise"])
    info.append(["Problemlagen (Spalte, Bezeichnung, Lebensbereich)"])
    for p in standard["problemlagen"]:
        info.append(["", p["id"], p["name"], p["bereich"]])
    info.append(["Gemeinden des Kreises (wohnort_ars / standort_ars)"])
    for ars, name in sorted(gemeinden.items(), key=lambda kv: kv[1]):
        info.append(["", ars, name])

    t = wb.create_sheet("Traeger")
    t.append(["Feld", "Wert"])
    for key in ("Träger", "Kennung", "Berichtsjahr", "Ansprechperson", "E-Mail"):
        t.append([key, meta.get(key, "")])

    f = wb.create_sheet("Faelle")
    header = ["fall_nr", "wohnort_ars", "beratungsfeld", *traits, "anzahl", *areas]
    f.append(header)
    for c in cases:
        f.append([c.get(h, "") if h not in areas else ("x" if c.get(h) else "") for h in header])
    s = wb.create_sheet("Stellen")
    s_header = ["standort_ars", "standort", "beratungsfeld", "vzae", "oeffnungsstunden", "barrierefrei", "sprachen"]
    s.append(s_header)
    for row in sites:
        s.append([row.get(h, "") for h in s_header])
    for sheet, column, name in (
        (f, header.index("beratungsfeld"), "beratungsfeld"),
        *((f, header.index(tr), tr) for tr in traits),
        (s, 2, "beratungsfeld"),
        (s, 5, "barrierefrei"),
    ):
        dv = DataValidation(type="list", formula1=lists[name], allow_blank=True)
        dv.add(f"{column_letter(column)}2:{column_letter(column)}5000")
        sheet.add_data_validation(dv)
    for sheet in (f, s):
        for cell in sheet[1]:
            cell.number_format = "@"
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime.fromisoformat(stamp.rstrip("Z"))
    wb.properties.creator = "sozialbericht"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    normalise_zip(path, stamp)
    return path
