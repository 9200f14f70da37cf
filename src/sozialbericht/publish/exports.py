"""Table exports of a report: ``tabellen.xlsx`` (deterministic: fixed dates, fixed zip timestamps).

Written with XlsxWriter (about three times faster than openpyxl for the ~10,000 cells of a report;
the workbook of a report is written once and never edited)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from sozialbericht.compute.changes import read_indicators
from sozialbericht.core import formatting as fmt
from sozialbericht.core.files import normalise_zip
from sozialbericht.core.tidy import MARKERS

LEVELS = {"bund": "Deutschland", "land": "Land", "kreis": "Kreis", "sozialraum": "Sozialraum", "gemeinde": "Gemeinde"}
DATE_FORMAT = "DD.MM.YYYY"


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _stichtag(period: str):
    """A reference date as a real date cell; a year (annual averages, projection years) as a number."""
    p = str(period)
    return datetime(int(p[:4]), int(p[5:7]), int(p[8:10])) if len(p) == 10 else int(p[:4])


def _value(value: float, flag: str, decimals: int):
    """The cell of a value: counts as integers, rates as numbers (rounded in the format only), a
    missing value as its official marker."""
    if pd.isna(value):
        return flag or "."
    return int(round(value)) if decimals == 0 else float(value)


def _bound(value: float, decimals: int):
    """A bound of a range (interval, quartile, variant) as a number; empty where the value has none."""
    return "" if pd.isna(value) else _value(value, "", decimals)


class _Book:
    """An XlsxWriter workbook with its cell formats, one object per number format."""

    def __init__(self, path: Path):
        # every string cell stays a string: no formula or link from any value (untrusted.py)
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
        self._formats: dict[tuple, object] = {}

    def format(self, number: str | None = None, bold: bool = False):
        key = (number, bold)
        if key not in self._formats:
            spec = {"num_format": number} if number else {}
            self._formats[key] = self.wb.add_format({**spec, "bold": True} if bold else spec)
        return self._formats[key]


def _sheet(
    book: _Book,
    title: str,
    header: list[str],
    rows: list[list],
    formats: list[str | None] | None = None,
    cell_formats: list[str | None] | None = None,
    column: int | None = None,
):
    """A table sheet: bold frozen header with autofilter, number formats per column (dates as
    TT.MM.JJJJ), column widths from the content. ``cell_formats``: a number format per row for
    ``column`` (values of different indicators in one column)."""
    ws = book.wb.add_worksheet(title)
    ws.write_row(0, 0, header, book.format(bold=True))
    date = book.format(DATE_FORMAT)
    columns = [book.format(f) if f else None for f in (formats or [None] * len(header))]
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(i, j, value, date)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                number = cell_formats[i - 1] if cell_formats is not None and j == column else None
                ws.write_number(i, j, value, book.format(number) if number else columns[j])
            elif value is not None and value != "":
                ws.write_string(i, j, str(value))
    for j, col in enumerate(header):
        width = max(len(str(col)), *(len(str(r[j])) for r in rows)) if rows else len(col)
        ws.set_column(j, j, min(60, width + 2))
    ws.freeze_panes(1, 2 if len(header) > 2 else 0)
    ws.autofilter(0, 0, len(rows), len(header) - 1)
    return ws


def _wide(df: pd.DataFrame, areas: list[tuple[str, str]], catalogue: dict):
    """Areas as rows, every indicator at its newest reference date as a column (header: name,
    unit, date; "synthetisch" where the values are synthetic example data)."""
    header, formats, columns = ["Regionalschlüssel", "Gebiet"], [None, None], []
    present = df[df["area_id"].isin([a for a, _ in areas])]
    by_indicator = dict(tuple(present.groupby("indicator_id", sort=False)))
    for ind_id in [i for i in catalogue if i in by_indicator]:
        d = by_indicator[ind_id]
        latest = d["period"].max()
        cur = d[d["period"] == latest]
        c = catalogue[ind_id]
        mark = ", synthetisch" if cur["synthetic"].any() else ""
        header.append(f"{c['name']} ({c['unit']}), {fmt.date(latest)}{mark}")
        formats.append(_number_format(int(c.get("decimals", 1))))
        columns.append((dict(zip(cur["area_id"], zip(cur["value"], cur["flag"]))), int(c.get("decimals", 1))))
    rows = [[aid, name, *(_value(*cur[aid], dec) if aid in cur else "" for cur, dec in columns)] for aid, name in areas]
    return header, rows, formats


def _sources(context: dict, catalogue: dict, df: pd.DataFrame) -> list[list]:
    """Per indicator: definition, unit, source, rights holder and licence of every dataset it is
    computed from, the reference dates and whether values are synthetic."""
    sources = context.get("sources", {})
    rows = []
    for ind_id, c in catalogue.items():
        d = df[df["indicator_id"] == ind_id]
        if d.empty:
            continue
        names = [c[k]["dataset"] for k in ("numerator", "denominator", "subtract") if isinstance(c.get(k), dict)]
        national = [sources[n] for n in dict.fromkeys(names) if n in sources]
        own = [n for n in dict.fromkeys(names) if n not in sources]
        holder = "; ".join(dict.fromkeys(s["attribution"] for s in national))
        licence = "; ".join(dict.fromkeys(s["licence"] for s in national))
        if own:
            holder = "; ".join(x for x in (holder, f"Daten des Kreises ({', '.join(own)})") if x)
        periods = sorted(set(d["period"]))
        rows.append(
            [
                c["name"],
                ind_id,
                c["definition"],
                c["unit"],
                c["source"],
                holder,
                licence or "Nutzungsbedingungen des Kreises",
                ", ".join(fmt.date(p) for p in periods),
                "ja" if d["synthetic"].any() else "nein",
            ]
        )
    return rows


def _weighting_sheets(book: _Book, weighting, context: dict) -> None:
    """The social index's weights (equal, each participant's, consensus, effective; in %) and the
    robustness of every Gemeinde's status class (report/weighting.py)."""
    from sozialbericht.report.weighting import participant_labels

    rule = context.get("planning", {}).get("social_index", {}).get("gewichtung", {}).get("regel", "median")
    catalogue = {c["id"]: c for c in context["catalogue"]}
    ids = list(weighting.weights["indicator_id"])
    sets = weighting.weight_rows(participant_labels(context), rule)
    rows = [[i, catalogue[i]["name"], *(round(values[k], 4) for _, _, values in sets)] for k, i in enumerate(ids)]
    header = ["Kennung", "Indikator", *(f"{label} (%)" for _, label, _ in sets)]
    _sheet(book, "Sozialindex Gewichte", header, rows, [None, None, *["0.0"] * len(sets)])
    equal = weighting.comparison.set_index("area_id")["klasse_a"] if len(weighting.comparison) else {}
    names = context.get("gemeinden", {})
    robust = weighting.robustness.sort_values(["rang", "area_id"])
    rows = [
        [
            r["area_id"],
            names.get(r["area_id"], r["area_id"]),
            float(r["index"]),
            r["klasse"],
            *([equal.get(r["area_id"], "")] if len(equal) else []),
            int(r["rang"]),
            float(r["rang_median"]),
            int(r["rang_p05"]),
            int(r["rang_p95"]),
            round(float(r["anteil_klasse_gehalten"]) * 100, 1),
            "unsicher" if r["unsicher"] else "sicher",
        ]
        for r in robust.to_dict("records")
    ]
    header = [
        "Regionalschlüssel",
        "Gemeinde",
        "Statusindex",
        "Statusklasse",
        *(["Statusklasse bei gleichen Gewichten"] if len(equal) else []),
        "Rang",
        "Median-Rang",
        "Rang (5 %)",
        "Rang (95 %)",
        "Klasse gehalten in % der Varianten",
        "Einstufung",
    ]
    formats = [None, None, "0.00", None, *([None] if len(equal) else []), "0", "0.0", "0", "0", "0.0", None]
    _sheet(book, "Sozialindex Robustheit", header, rows, formats)


#: The migration variants of the projection, in the order of the demand sheet.
VARIANTS = ("niedrig", "mittel", "hoch")


def _demand_rows(work_dir: Path | None, kreis: str) -> list[list]:
    """The rows of the sheet "Bedarfe" from the work folder (``bedarf_kinder.csv``,
    ``bedarf_pflege.csv`` of compute/district_outlook.py): children per band, year and variant, and
    people in need of care per year and variant (the first year the Kreis's count) with what the
    national care rates alone give and the calibration factor. Counts as integers; none without
    the files."""
    from sozialbericht.compute.demand import CHILD_BANDS

    rows: list[list] = []
    if work_dir is None:
        return rows
    order = {v: i for i, v in enumerate(VARIANTS)}
    kids_path, care_path = Path(work_dir) / "bedarf_kinder.csv", Path(work_dir) / "bedarf_pflege.csv"
    if kids_path.exists():
        kids = pd.read_csv(kids_path, dtype={"area_id": str})
        kids = kids[kids["area_id"] == kreis].assign(
            b=lambda d: d["band"].map({b: i for i, b in enumerate(CHILD_BANDS)}), v=lambda d: d["variant"].map(order)
        )
        for r in kids.sort_values(["b", "year", "v"], kind="stable").itertuples(index=False):
            rows.append(
                [
                    "Kinder",
                    r.band,
                    int(r.year),
                    r.variant,
                    int(round(r.value)),
                    "vorausberechnet",
                    "",
                    "",
                ]
            )
    if care_path.exists():
        care = pd.read_csv(care_path, dtype={"area_id": str})
        care = care[care["area_id"] == kreis].assign(v=lambda d: d["variant"].map(order))
        first = care["year"].min()
        for r in care.sort_values(["year", "v"], kind="stable").itertuples(index=False):
            rows.append(
                [
                    "Pflegebedürftige",
                    "alle Altersgruppen",
                    int(r.year),
                    r.variant,
                    int(round(r.value)),
                    "gezählt (Pflegestatistik, 22411-02-03-4)" if r.year == first else "vorausberechnet",
                    int(round(r.unadjusted)),
                    round(float(r.factor), 4),
                ]
            )
    return rows


def _demand_sheet(book: _Book, rows: list[list]) -> None:
    """The sheet "Bedarfe" (``_demand_rows``)."""
    header = [
        "Bedarf",
        "Altersgruppe",
        "Jahr",
        "Variante (Zuwanderung nach Deutschland)",
        "Anzahl",
        "Art",
        "Pflegebedürftige nach den Pflegequoten Deutschlands (ohne Anpassung)",
        "Anpassungsfaktor (gezählt / nach Pflegequoten)",
    ]
    _sheet(book, "Bedarfe", header, rows, [None, None, "0", None, "#,##0", None, "#,##0", "0.0000"])


#: The position to the group's middle range (``vergleich.csv``) as the sheet says it.
POSITIONS = {"oberhalb": "oberhalb (über P75)", "innerhalb": "innerhalb (P25 bis P75)", "unterhalb": "unterhalb (unter P25)"}


def _comparison_sheets(book: _Book, work_dir: Path, context: dict) -> None:
    """The Kreis's comparison with its Vergleichskreise (``vergleich.csv``: the key indicators with
    the Kreis's value, the group's median, P25 and P75, rank and position; the values of the
    national indicator table) and the group itself (``vergleichskreise.csv``), where computed."""
    paths = (work_dir / "vergleichskreise.csv", work_dir / "vergleich.csv")
    if not all(p.exists() for p in paths):
        return
    text = {"area_id": str, "land": str, "period": str, "indicator_id": str, "position": str, "quelle": str}
    group, table = (pd.read_csv(p, dtype=text) for p in paths)
    if not len(group) or not len(table):
        return
    catalogue = {c["id"]: c for c in context["catalogue"]}
    table = table[table["indicator_id"].isin(catalogue)]
    decimals = [int(catalogue[i].get("decimals", 1)) for i in table["indicator_id"]]
    rows = [
        [
            catalogue[r.indicator_id]["name"],
            r.indicator_id,
            catalogue[r.indicator_id]["unit"],
            _stichtag(r.period) if isinstance(r.period, str) else "",
            *(_bound(getattr(r, k), d) for k in ("value", "median", "p25", "p75")),
            "" if pd.isna(r.n) else int(r.n),
            "" if pd.isna(r.rank) else int(r.rank),
            POSITIONS.get(r.position, ""),
        ]
        for r, d in zip(table.itertuples(index=False), decimals)
    ]
    header = [
        "Indikator",
        "Kennung",
        "Einheit",
        "Stichtag/Jahr",
        "Wert des Kreises",
        "Median der Vergleichskreise",
        "25-%-Quantil (P25)",
        "75-%-Quantil (P75)",
        "Vergleichskreise mit Wert",
        "Rang (1 = höchster Wert)",
        "Lage zum mittleren Bereich",
    ]
    ws = _sheet(book, "Vergleichskreise", header, rows, cell_formats=[_number_format(d) for d in decimals], column=4)
    for i, (row, d) in enumerate(zip(rows, decimals), start=1):  # median and quartiles in the row's decimals
        for j in (5, 6, 7):
            if isinstance(row[j], (int, float)):
                ws.write_number(i, j, row[j], book.format(_number_format(d)))
    own = (group["quelle"] == "Kreiskonfiguration").any()
    members = [
        [
            int(r["rank"]),
            str(r["area_id"]),
            str(r["area_name"]),
            str(r["land_name"]),
            "" if pd.isna(r["distance"]) else float(r["distance"]),
            "eigene Auswahl des Kreises" if own else "berechnet (nächste Nachbarn)",
        ]
        for _, r in group.sort_values("rank").iterrows()
    ]
    _sheet(
        book,
        "Vergleichskreise Liste",
        ["Nr.", "Regionalschlüssel", "Kreis", "Land", "Abstand", "Auswahl"],
        members,
        [None, None, None, None, "0.00", None],
    )


def _notes(context: dict, metadata: dict, synthetic: bool, demand: bool = False) -> list[list]:
    rows = [
        ["Titel", metadata.get("title", "")],
        ["Herausgeber", metadata.get("herausgeber", "")],
        ["Berichtsjahr", int(context["year"])],
        ["Datenstand", metadata.get("datenstand", "").removeprefix("Datenstand: ")],
        ["Version", metadata.get("versionsstempel", "").removeprefix("Versionsstempel: ")],
    ]
    if synthetic:
        rows.append(
            [
                "Achtung",
                "Die kleinräumigen Werte (Gemeinden, Sozialräume) und die kreisweiten Werte aus eigenen Daten beruhen "
                "auf SYNTHETISCHEN BEISPIELDATEN und sind keine amtlichen Angaben. Jeder Wert ist im Blatt "
                "„Zeitreihen“ in der Spalte „Synthetisch“ gekennzeichnet.",
            ]
        )
    rows += [
        ["Blatt „Kreis, Land, Bund“", "die Indikatoren des Kreises neben Land und Deutschland, jeweils zum neuesten Stichtag"],
        ["Blatt „Kreise des Landes“", "alle Kreise und kreisfreien Städte des Landes zum Vergleich"],
        ["Blatt „Sozialräume“", "die Planungsräume des Kreises (falls festgelegt)"],
        ["Blatt „Gemeinden“", "die Gemeinden des Kreises, alphabetisch"],
        [
            "Blätter „Sozialindex …“",
            "die Gewichte der Indikatoren des Sozialindex (gleich, je Beteiligtem, Konsens, effektiv) und die Robustheit "
            "der Statusklasse jeder Gemeinde (falls ein Sozialindex berechnet wurde)",
        ],
        *(
            [
                [
                    "Blatt „Bedarfe“",
                    "Kinder im Krippen-, Kita- und Grundschulalter je Jahr und Wanderungsvariante und die erwarteten "
                    "Pflegebedürftigen mit dem Anpassungsfaktor an die Zählung des Kreises (Bevölkerungsprognose; Methode "
                    "im Kapitel „Methodik und Quellen“ des Berichts)",
                ]
            ]
            if demand
            else []
        ),
        [
            "Blätter „Vergleichskreise …“",
            "die Kennzahlen des Kreises neben Median, 25- und 75-%-Quantil seiner Vergleichskreise (der strukturähnlichsten "
            "Kreise Deutschlands), sein Rang unter ihnen (1 = höchster Wert, keine Bewertung) und ob er über, im oder unter "
            "dem mittleren Bereich liegt; die Liste der Vergleichskreise mit Land und Abstand (falls berechnet)",
        ],
        [
            "Blatt „Zeitreihen“",
            "jeder Wert des Berichts mit Stichtag, Einheit, Zeichen und Kennzeichnung synthetischer Werte; "
            "„Untere/Obere Grenze“ und „Vergleich“: bei kleinräumigen Quoten das 95-%-Intervall und ob der Wert "
            "gesichert höher, ähnlich oder niedriger als der Kreiswert ist; beim Kreis, ob er über, im oder unter dem "
            "mittleren Bereich (P25 bis P75) seiner Vergleichskreise liegt; bei den Vergleichskreisen Median, P25 und "
            "P75; bei vorausberechneten Werten die Spanne der drei Wanderungsvarianten",
        ],
        ["Blatt „Quellen“", "Definition, Quelle, Rechteinhaber, Lizenz und Stichtage je Indikator"],
        ["Blatt „Zeichenerklärung“", "die amtlichen Zeichen für fehlende oder gesperrte Werte"],
        [
            "Lizenz",
            "Amtliche Daten: Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0), "
            "Quellenangaben im Blatt „Quellen“",
        ],
    ]
    return rows


def write_xlsx(
    indicators_csv: Path, context: dict, path: Path, metadata: dict | None = None, work_dir: Path | None = None
) -> Path:
    """The report's tables for planners: notes (title, Datenstand, version, synthetic warning), the
    Kreis with Land and Germany, the Kreise of the Land, the Sozialräume, the Gemeinden (A–Z), the
    weights and robustness of the social index and the demand from the projection (from the work
    folder ``work_dir``, where computed),
    every value as a time series, the sources with licences, and the legend of markers. German
    headers, counts as integers, rates with their decimals, reference dates as dates, autofilter.
    Values the source marks show the marker."""
    from sozialbericht.report.weighting import Weighting

    metadata = metadata or {}
    df = read_indicators(indicators_csv)
    df["synthetic"] = df["synthetic"].astype(str) == "True"
    catalogue = {c["id"]: c for c in context["catalogue"]}
    kreis, land = context["district"]["kreis"], context["district"]["kreis"][:2]

    def areas(mask) -> list[tuple[str, str]]:
        d = df[mask].drop_duplicates("area_id")
        return list(zip(d["area_id"], d["area_name"]))

    path.parent.mkdir(parents=True, exist_ok=True)
    book = _Book(path)
    demand = _demand_rows(work_dir, kreis)
    ws = book.wb.add_worksheet("Hinweise")
    for i, (key, value) in enumerate(_notes(context, metadata, bool(df["synthetic"].any()), bool(demand))):
        ws.write_string(i, 0, key, book.format(bold=True))
        ws.write(i, 1, value)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 120)

    top = {a: n for a, n in areas(df["area_id"].isin([kreis, land, "DG"]))}
    level_of = df.drop_duplicates("area_id").set_index("area_id")["area_level"]
    _sheet(book, "Kreis, Land, Bund", *_wide(df, [(a, top[a]) for a in (kreis, land, "DG") if a in top], catalogue))
    kreise = sorted(areas((df["area_level"] == "kreis") & (df["area_id"].str[:2] == land)), key=lambda a: a[1])
    _sheet(book, "Kreise des Landes", *_wide(df, kreise, catalogue))
    _sheet(book, "Sozialräume", *_wide(df, areas(df["area_level"] == "sozialraum"), catalogue))
    gemeinden = sorted(areas(df["area_level"] == "gemeinde"), key=lambda a: (a[1].casefold(), a[0]))
    _sheet(book, "Gemeinden", *_wide(df, gemeinden, catalogue))
    weighting = Weighting.read(work_dir) if work_dir is not None else None
    if weighting is not None and weighting.available:
        _weighting_sheets(book, weighting, context)
    if work_dir is not None:
        _comparison_sheets(book, Path(work_dir), context)
    if demand:
        _demand_sheet(book, demand)

    decimals = {i: int(c.get("decimals", 1)) for i, c in catalogue.items()}
    long_rows = [
        [
            catalogue[r.indicator_id]["name"],
            r.indicator_id,
            r.area_id,
            r.area_name,
            LEVELS.get(level_of.get(r.area_id, r.area_level), r.area_level),
            _stichtag(r.period),
            _value(r.value, r.flag, decimals[r.indicator_id]),
            r.unit,
            r.flag,
            *(_bound(getattr(r, b, float("nan")), decimals[r.indicator_id]) for b in ("lower", "upper")),
            getattr(r, "comparison", ""),
            "ja" if r.synthetic else "nein",
        ]
        for r in df.itertuples(index=False)
    ]
    _sheet(
        book,
        "Zeitreihen",
        [
            "Indikator",
            "Kennung",
            "Regionalschlüssel",
            "Gebiet",
            "Ebene",
            "Stichtag/Jahr",
            "Wert",
            "Einheit",
            "Zeichen",
            "Untere Grenze",
            "Obere Grenze",
            "Vergleich",
            "Synthetisch",
        ],
        long_rows,
        cell_formats=[_number_format(decimals[i]) for i in df["indicator_id"]],
        column=6,
    )
    _sheet(
        book,
        "Quellen",
        ["Indikator", "Kennung", "Definition", "Einheit", "Quelle", "Rechteinhaber", "Lizenz", "Stichtage", "Synthetische Werte"],
        _sources(context, catalogue, df),
    )
    _sheet(book, "Zeichenerklärung", ["Zeichen", "Bedeutung"], [[k, v] for k, v in MARKERS.items()])
    stamp = datetime(int(context["year"]), 12, 31)
    book.wb.set_properties(
        {
            "title": f"{metadata.get('title') or 'Sozialbericht ' + context['district']['name']} – Tabellen",
            "author": metadata.get("herausgeber") or "sozialbericht",
            "created": stamp,
            "keywords": "Sozialbericht, Sozialplanung",
        }
    )
    book.wb.close()
    normalise_zip(path, stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return path
