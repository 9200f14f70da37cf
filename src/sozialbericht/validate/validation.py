"""Great Expectations suites for every staged table, plausibility checks and readable reports.

One suite per dataset, written as code (reviewable in diffs, unit-tested): types, official
markers, counts ≥ 0, rates 0–100, unique keys, completeness (every Kreis of the report year, no
gaps in its series), sums (male + female = total). The plausibility checks of
``config/plausibility.yaml`` (hierarchy, parts ≤ whole, ranges, change between reference dates,
counts ≤ their population, agreement between tables) are computed in pandas as one frame per
dataset with a column ``ok``; Great Expectations checks that column, with severity error or
warning. Every failure is reported with the file to fix, its line, the area, the variable, the
value found and what is expected — in German, the language of the people who fix the files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.core.errors import ValidationFailed
from sozialbericht.core.formatting import number
from sozialbericht.core.tidy import KENNUNG, KEY_COLUMNS, MARKERS, TIDY_COLUMNS

ALLOWED_FLAGS = ["", *MARKERS]
COUNT_UNITS = ["Anzahl"]
PERCENT_UNITS = ["Prozent", "%"]
STADTSTAAT_LAENDER = ["02", "11"]
#: How a message names the key columns (tidy.KEY_COLUMNS).
KEY_LABELS = ("Träger", "Beratungsfeld")
RULE_COLUMNS = [
    "regel",
    "area_id",
    "area_name",
    "period",
    "variable",
    "source",
    "row",
    "wert",
    "grenze",
    "ok",
    "schwere",
    "erwartet",
]


@dataclass(frozen=True)
class Requirement:
    """Kreise whose data must be present in a dataset (how: ``coverage`` in config/datasets.yaml)."""

    kreise: tuple
    year: int
    label: str = "jedes Kreises des Berichtsjahres"


@dataclass
class Check:
    """One suite: its name, the frame it validates, its expectations and the files it reads."""

    name: str
    frame: pd.DataFrame
    expectations: list
    files: dict | None = None
    #: the only columns the expectations read (GX is given just these; messages use every column)
    columns: tuple[str, ...] | None = None


def _validation_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.copy()
    frame["year"] = per_value(frame["period"], lambda p: int(p[:4])).astype("int64")
    frame["kreis"] = per_value(frame["area_id"], lambda a: a[:5])
    # the Stadtstaaten Berlin and Hamburg are a Kreis and a Land at once; many tables list them as Land only
    frame.loc[frame["area_id"].isin(STADTSTAAT_LAENDER), "kreis"] = frame["area_id"] + "000"
    return frame


COVERAGE = {"report_year": ("year=={y}", "für {y}"), "up_to_report_year": ("year<={y}", "bis {y}"), "any": ("year>0", "")}


def base_expectations(spec: dict, requirements: list[Requirement], key: tuple[str, ...] = (), data_keys: tuple[str, ...] = ()):
    """The base suite of a tidy dataset as a list of GX expectations (``key``: further columns
    of a frame that holds several tables, e.g. the table's name, part of every row's identity;
    ``data_keys``: key columns of the data after the tidy columns, tidy.KEY_COLUMNS)."""
    import great_expectations as gx

    E = gx.expectations
    exps = [
        E.ExpectTableColumnsToMatchOrderedList(
            column_list=[*TIDY_COLUMNS, *data_keys, "year", "kreis", *key],
            meta={"column": "(alle)", "expected": f"die Spalten {', '.join([*TIDY_COLUMNS, *data_keys])}"},
        ),
        E.ExpectColumnValuesToNotBeNull(
            column="area_id", meta={"column": "Regionalschlüssel", "expected": "einen Regionalschlüssel in jeder Zeile"}
        ),
        E.ExpectColumnValuesToMatchRegex(
            column="area_id",
            regex=r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$",
            meta={
                "column": "Regionalschlüssel",
                "expected": "DG oder einen amtlichen Schlüssel mit 2, 3, 5, 8, 9 oder 12 Ziffern",
            },
        ),
        E.ExpectColumnValuesToMatchRegex(
            column="period",
            regex=r"^\d{4}(?:-\d{2}-\d{2})?$",
            meta={"column": "Stichtag", "expected": "ein Jahr JJJJ oder ein Datum JJJJ-MM-TT"},
        ),
        E.ExpectColumnValuesToBeInSet(
            column="flag",
            value_set=ALLOWED_FLAGS,
            meta={"column": "Zeichen", "expected": "ein amtliches Zeichen: - . x / ... p r (oder keines)"},
        ),
        E.ExpectColumnValuesToBeOfType(column="value", type_="float64", meta={"column": "Wert", "expected": "Zahlen"}),
        E.ExpectColumnValuesToNotBeNull(
            column="value",
            row_condition='flag==""',
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "eine Zahl, wo kein Zeichen steht"},
        ),
        E.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=0,
            row_condition=f"unit in {COUNT_UNITS!r}",
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "eine Anzahl ≥ 0"},
        ),
        E.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=0,
            max_value=100,
            row_condition=f"unit in {PERCENT_UNITS!r}",
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "einen Prozentwert zwischen 0 und 100"},
        ),
        E.ExpectCompoundColumnsToBeUnique(
            column_list=[*key, "area_id", "period", "variable", *data_keys],
            meta={
                "column": "Gebiet, Stichtag, Merkmal" + (", Träger, Beratungsfeld" if data_keys else ""),
                "expected": "einen Wert je Gebiet, Stichtag und Merkmal"
                + (" (und je Träger und Beratungsfeld)" if data_keys else "")
                + " (keine doppelten Zeilen)",
            },
        ),
    ]
    for req in requirements if spec.get("coverage") in ("report_year", "up_to_report_year") else []:
        cond, when = (text.format(y=req.year) for text in COVERAGE[spec["coverage"]])
        exps.append(
            E.ExpectColumnDistinctValuesToContainSet(
                column="kreis",
                value_set=list(req.kreise),
                row_condition=cond,
                condition_parser="pandas",
                meta={
                    "column": "Regionalschlüssel",
                    "completeness": True,
                    "value_set": list(req.kreise),
                    "year": req.year,
                    "coverage": spec["coverage"],
                    "expected": f"Daten {req.label} {when}",
                },
            )
        )
    return exps


#: What the expectations of a plausibility frame read.
RULE_CHECK_COLUMNS = ("ok", "schwere")


def rule_expectations():
    """The expectations on a plausibility frame: every rule holds, by severity (they read
    RULE_CHECK_COLUMNS only)."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    E = gx.expectations
    return [
        E.ExpectColumnValuesToBeInSet(
            column="ok", value_set=[True], row_condition='schwere=="fehler"', condition_parser="pandas", meta={"rules": True}
        ),
        E.ExpectColumnValuesToBeInSet(
            column="ok",
            value_set=[True],
            row_condition='schwere=="hinweis"',
            condition_parser="pandas",
            severity=FailureSeverity.WARNING,
            meta={"rules": True},
        ),
    ]


# --- plausibility frames ------------------------------------------------------------------------------
def _first_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]]


def _largest_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Per area and date the file and row of the largest value: where a sum over several rows
    (of several providers' files) fails a check, the message names the row that contributes most,
    not whichever file happens to come first."""
    ordered = df.assign(_v=df["value"].fillna(-np.inf)).sort_values("_v", ascending=False, kind="stable")
    return ordered.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]]


def _rule_frame(rows: pd.DataFrame, regel: str, schwere: str, erwartet) -> pd.DataFrame:
    rows = rows.copy()
    rows["regel"], rows["schwere"] = regel, schwere
    rows["erwartet"] = erwartet if isinstance(erwartet, str) else erwartet
    for c in RULE_COLUMNS:
        if c not in rows:
            rows[c] = "" if c not in ("row", "wert", "grenze") else 0
    # the key columns of a counselling table (provider, field) stay for the message
    return rows[[*RULE_COLUMNS, *(k for k in KEY_COLUMNS if k in rows)]]


def per_value(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value (keys, names and variables repeat a few thousand
    values over ~10^5 rows, and pandas' ``.str`` methods loop over every row)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(np.asarray([func(u) for u in uniques], dtype=object)[codes], index=values.index)


def key_length(keys: pd.Series) -> np.ndarray:
    return per_value(keys, len).to_numpy(dtype="int64")


def _measure(df: pd.DataFrame) -> pd.Series:
    return per_value(df["variable"], lambda v: v.split(" | ", 1)[0])


def _keys(df: pd.DataFrame) -> list[str]:
    """The key columns a table has beyond the tidy columns (the counselling tables: provider and
    field, tidy.KEY_COLUMNS): a series is one variable of one provider and field."""
    return [k for k in KEY_COLUMNS if k in df]


def parts_rules(df: pd.DataFrame, rules: list[dict], schwere: str = "fehler") -> list[pd.DataFrame]:
    """part ≤ whole for every area, reference date and further dimensions (the variable's further
    parts and the key columns)."""
    out = []
    keys = _keys(df)
    base = df.assign(measure=_measure(df), dims=per_value(df["variable"], lambda v: v.split(" | ", 1)[1] if " | " in v else ""))
    index = ["area_id", "period", *keys, "dims"]
    for rule in rules:
        part, whole = rule.get("teil", rule.get("part")), rule.get("ganzes", rule.get("whole"))
        keep = base[base["measure"].isin([part, whole])]
        wide = keep.pivot_table(index=index, columns="measure", values="value", aggfunc="first")
        if part not in wide or whole not in wide:
            continue
        wide = wide.dropna(subset=[part, whole]).reset_index()
        firsts = keep.drop_duplicates(index)[[*index, "area_name", "source", "row"]]
        rows = wide.merge(firsts, on=index, how="left")
        rows = rows.assign(
            variable=[f"{part} ≤ {whole}" + (f" ({d})" if d else "") for d in rows["dims"]],
            wert=rows[part],
            grenze=rows[whole],
            ok=rows[part] <= rows[whole] + 0.5,
        )
        out.append(
            _rule_frame(rows, "teil", rule.get("schwere", schwere), f"einen Teil nicht größer als sein Ganzes: {part} ≤ {whole}")
        )
    return out


def range_rules(df: pd.DataFrame, ranges: dict, schwere: str = "fehler") -> list[pd.DataFrame]:
    out = []
    measure = _measure(df)
    for variable, (lo, hi) in ranges.items():
        rows = df[(measure == variable) if variable != "*" else (df["unit"] == "Anzahl")]
        rows = rows[rows["value"].notna()]
        if rows.empty:
            continue
        lo_ok = rows["value"] >= lo if lo is not None else True
        hi_ok = rows["value"] <= hi if hi is not None else True
        rng = f"zwischen {lo if lo is not None else '−∞'} und {hi if hi is not None else '∞'}".replace(".", ",")
        out.append(
            _rule_frame(
                rows.assign(wert=rows["value"], grenze=hi if hi is not None else np.nan, ok=lo_ok & hi_ok),
                "bereich",
                schwere,
                f"einen Wert {rng} (plausibler Bereich)",
            )
        )
    return out


def change_rules(df: pd.DataFrame, rules: list[dict], exempt: set[tuple[str, str]] | None = None) -> list[pd.DataFrame]:
    """Change between consecutive reference dates per year within the configured factor; ``exempt``:
    (area, year) pairs a territorial change explains (a Gemeinde or a Kreis: all its areas)."""
    out = []
    counts = df[(df["unit"] == "Anzahl") | ~df["unit"].isin(["Schlüssel"])]
    for rule in rules:
        d = counts[counts["value"].notna()]
        if rule.get("variablen"):
            d = d[_measure(d).isin(rule["variablen"])]
        if rule.get("je", "variable") == "gebiet":
            d = d[d["unit"] == "Anzahl"]
            largest = _largest_rows(d)
            d = d.groupby(["area_id", "period"], as_index=False)["value"].sum().merge(largest, on=["area_id", "period"])
            d["variable"] = "Summe aller Merkmale"
        series = ["area_id", "variable", *(_keys(d) if rule.get("je", "variable") != "gebiet" else [])]
        d = d.sort_values([*series, "period"])
        prev = d.groupby(series)["value"].shift()
        prev_period = d.groupby(series)["period"].shift()
        rows = d.assign(prev=prev, prev_period=prev_period)
        rows = rows[rows["prev"].notna() & (rows["prev"] > 0)]
        if exempt:
            rows = rows[
                [(a, p[:4]) not in exempt and (a[:5], p[:4]) not in exempt for a, p in zip(rows["area_id"], rows["period"])]
            ]
        if rows.empty:
            continue
        years = (rows["period"].str[:4].astype(int) - rows["prev_period"].str[:4].astype(int)).clip(lower=1)
        factor = (rows["value"].clip(lower=0) / rows["prev"]) ** (1 / years)
        f = rule["max_faktor"]
        ok = ((factor <= f) & (factor >= 1 / f)) | ((rows["value"] - rows["prev"]).abs() < rule["min_abweichung"])
        schwere = rule.get("schwere", "fehler")
        # the text only where a row fails (a national table has ~10^5 rows)
        text = [
            "" if good else f"eine Veränderung gegenüber {p} ({_fmt(v)}) von höchstens Faktor {str(f).replace('.', ',')} je Jahr"
            for p, v, good in zip(rows["prev_period"], rows["prev"], ok)
        ]
        out.append(_rule_frame(rows.assign(wert=rows["value"], grenze=rows["prev"], ok=ok), "veraenderung", schwere, text))
    return out


def hierarchy_rules(df: pd.DataFrame, cfg: dict) -> list[pd.DataFrame]:
    """Kreise add up to their Land and the Länder to Germany (where all parts are present)."""
    out = []
    measure = _measure(df)
    tol = cfg.get("toleranz_prozent", 0.5) / 100
    absolute = cfg.get("toleranz_absolut", 2)
    tol_text = (f"{_fmt(cfg['toleranz_prozent'])} % oder " if cfg.get("toleranz_prozent") else "") + f"{_fmt(absolute)} Personen"
    levels = cfg.get("ebenen", ["land", "bund"])
    for variable in cfg.get("variablen", []):
        d = df[(measure == variable) & (df["variable"] == variable)]
        length = key_length(d["area_id"])
        kreise = d[length == 5]
        laender = d[(length == 2) & (d["area_id"] != "DG").to_numpy()]
        dg = d[d["area_id"] == "DG"]
        groups = [
            (kreise.assign(parent=kreise["area_id"].str[:2]), laender, "Summe der Kreise des Landes", "land"),
            (laender.assign(parent="DG"), dg, "Summe der Länder", "bund"),
        ]
        for parts, totals, label, level in groups:
            if parts.empty or totals.empty or level not in levels:
                continue
            out += _hierarchy_frames(parts, totals, label, variable, tol, absolute, tol_text, cfg.get("schwere", "fehler"))
    return out


def _hierarchy_frames(parts, totals, label, variable, tol, absolute, tol_text, schwere) -> list[pd.DataFrame]:
    """One level of the hierarchy: the parts' sum equals the total. A part given as an official
    marker instead of a number (``.``, ``x``, ``/``, ``...``, or ``-`` of a Kreis that has numbers
    in other years) is unknown, not zero: that sum is incomplete, so only its bound is checked (the
    known parts do not exceed the total, an error otherwise), and where the known parts fall short
    of the total the data-quality annex gets a hint. Kreise of earlier territorial states, listed
    with "-" in every year, are left out (a Kreis of the report year that is missing is the
    completeness rule's concern)."""
    exists = parts.groupby("area_id")["value"].transform(lambda v: v.notna().any())
    unknown = parts[parts["value"].isna() & exists.to_numpy()]
    agg = parts[parts["value"].notna()].groupby(["parent", "period"])["value"].sum().rename("summe")
    rows = totals.merge(agg.reset_index().rename(columns={"parent": "area_id"}), on=["area_id", "period"])
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return []
    marked = unknown.groupby(["parent", "period"])["area_id"].agg(lambda a: ", ".join(sorted(a))).rename("ohne_wert")
    rows = rows.merge(marked.reset_index().rename(columns={"parent": "area_id"}), on=["area_id", "period"], how="left")
    incomplete = rows["ohne_wert"].notna()
    margin = np.maximum(tol * rows["value"].abs(), absolute)
    exact = (rows["value"] - rows["summe"]).abs() <= margin
    bound = rows["summe"] <= rows["value"] + margin
    frames = []
    complete = rows[~incomplete]
    if len(complete):
        frames.append(
            _rule_frame(
                complete.assign(
                    wert=complete["value"], grenze=complete["summe"], ok=exact[~incomplete], variable=f"{variable}: {label}"
                ),
                "hierarchie",
                schwere,
                [f"denselben Wert wie die {label} ({_fmt(s)}, Toleranz {tol_text})" for s in complete["summe"]],
            )
        )
    part = rows[incomplete]
    if len(part):
        text = [
            f"höchstens den Wert der {label} ohne Zahlenwert bei {k} ({_fmt(s)} ohne diese, Toleranz {tol_text})"
            for k, s in zip(part["ohne_wert"], part["summe"])
        ]
        base = part.assign(wert=part["summe"], grenze=part["value"], variable=f"{variable}: {label} (unvollständig)")
        frames.append(_rule_frame(base.assign(ok=bound[incomplete].to_numpy()), "hierarchie", schwere, text))
        hint = [
            f"eine vollständige {label}: bei {k} steht ein Zeichen statt eines Zahlenwerts, die Summe der übrigen "
            f"({_fmt(s)}) ist daher nicht mit dem Gesamtwert vergleichbar"
            for k, s in zip(part["ohne_wert"], part["summe"])
        ]
        frames.append(_rule_frame(base.assign(ok=exact[incomplete].to_numpy()), "hierarchie", "hinweis", hint))
    return frames


def population_of(tables: dict[str, pd.DataFrame], spec: dict) -> pd.Series:
    """Population per (area, year) of an age interval of an age table (Kreise, Länder, Gemeinden)."""
    from sozialbericht.core.ages import age_groups

    ages = age_groups(tables[spec["dataset"]])
    lo, hi = spec["alter"]
    upper = ages["age_to"].fillna(np.inf)
    sel = ages[(ages["age_from"] >= lo) & (upper <= (np.inf if hi is None else hi))]
    s = sel.groupby([sel["area_id"], sel["period"].str[:4]])["value"].sum(min_count=1)
    return s


def upper_bound_rules(df: pd.DataFrame, rules: list[dict], tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    out = []
    measure = _measure(df)
    for rule in rules:
        if rule["bevoelkerung"]["dataset"] not in tables:
            continue
        pop = population_of(tables, rule["bevoelkerung"])
        rows = df[(measure == rule["variable"]) & df["value"].notna()]
        largest = _largest_rows(rows)
        rows = rows.groupby(["area_id", "period"], as_index=False)["value"].sum().merge(largest, on=["area_id", "period"])
        limit = [pop.get((a, p[:4]), np.nan) for a, p in zip(rows["area_id"], rows["period"])]
        rows = rows.assign(grenze=limit)
        rows = rows[rows["grenze"].notna()]
        if rows.empty:
            continue
        lo, hi = rule["bevoelkerung"]["alter"]
        ages = f"{lo} bis unter {hi} Jahren" if hi is not None else f"ab {lo} Jahren" if lo else "insgesamt"
        out.append(
            _rule_frame(
                rows.assign(wert=rows["value"], ok=rows["value"] <= rows["grenze"], variable=rule["variable"]),
                "obergrenze",
                rule.get("schwere", "fehler"),
                [f"höchstens so viele wie Einwohner ({ages}: {_fmt(g)})" for g in rows["grenze"]],
            )
        )
    return out


def agreement_rules(df: pd.DataFrame, rules: list[dict], tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The Gemeinden add up to the Kreis value of another table at the same reference dates."""
    out = []
    for rule in rules:
        other = tables.get(rule["mit"]["dataset"])
        if other is None:
            continue
        ref = other[other["unit"] == "Anzahl"].groupby(["area_id", "period"])["value"].sum(min_count=1)
        own = df[(df["variable"] == rule["variable"]).to_numpy() & (key_length(df["area_id"]) == 12)]
        sums = own.groupby([own["area_id"].str[:5], own["period"]])["value"].sum(min_count=1)
        both = pd.concat([sums.rename("summe"), ref.rename("ref")], axis=1, join="inner").dropna().reset_index()
        both.columns = ["area_id", "period", "summe", "ref"]
        if both.empty:
            continue
        src = own.drop_duplicates("period").set_index("period")["source"]
        rows = both.assign(
            area_name="",
            source=both["period"].map(src),
            row=0,
            wert=both["summe"],
            grenze=both["ref"],
            ok=(both["summe"] - both["ref"]).abs() <= rule.get("toleranz", 1),
            variable=f"Summe von {rule['variable']} über die Gemeinden des Kreises",
        )
        out.append(
            _rule_frame(
                rows,
                "vergleich",
                rule.get("schwere", "fehler"),
                [f"die Kreissumme der Tabelle {rule['mit']['dataset']} ({_fmt(r)})" for r in both["ref"]],
            )
        )
    return out


def completeness_rules(df: pd.DataFrame, kreise: list[str], year: int) -> list[pd.DataFrame]:
    """No gaps: a Kreis of the report year that is in the table (and Germany, each Land and Regierungsbezirk, where the
    table has them) must be there at every reference date from its first one up to the report year
    (rows are not lost in between)."""
    frame = _validation_frame(df)
    # Germany, the Länder and the Regierungsbezirke, where the table has them, are as complete as the Kreise
    length = key_length(frame["area_id"])
    areas = set(kreise) | set(frame.loc[length <= 3, "kreis"])
    frame = frame[(frame["kreis"].isin(areas) & (frame["year"] <= year)).to_numpy() & (length <= 5)]
    periods = sorted(frame["period"].unique())
    if len(periods) < 2:
        return []
    present = frame.groupby("kreis")["period"].agg(set)
    rows = []
    for kreis, have in present.items():
        first = min(have)
        for p in periods:
            if p > first and p not in have:
                rows.append(
                    {
                        "area_id": kreis,
                        "area_name": "",
                        "period": p,
                        "variable": "(alle Merkmale)",
                        "source": frame["source"].iloc[0],
                        "row": 0,
                        "wert": np.nan,
                        "grenze": np.nan,
                        "ok": False,
                    }
                )
    if not rows:
        return [_rule_frame(pd.DataFrame(columns=RULE_COLUMNS).astype({"ok": bool}), "vollstaendigkeit", "fehler", "")]
    return [
        _rule_frame(
            pd.DataFrame(rows),
            "vollstaendigkeit",
            "fehler",
            "Daten an jedem Stichtag der Reihe (die Zeilen dieses Stichtags fehlen)",
        )
    ]


def gap_rules(df: pd.DataFrame, gemeinden: list[str], year: int) -> list[pd.DataFrame]:
    """Every Gemeinde at every reference date of a district file up to the report year (a lost
    row would silently shorten a time series)."""
    periods = sorted(p for p in df["period"].unique() if int(p[:4]) <= year)
    have = set(zip(df["area_id"], df["period"]))
    missing = [(g, p) for p in periods for g in gemeinden if (g, p) not in have]
    if not missing:
        return []
    rows = pd.DataFrame(missing, columns=["area_id", "period"])
    return [
        _rule_frame(
            rows.assign(
                area_name="", variable="(alle Merkmale)", source=df["source"].iloc[0], row=0, wert=np.nan, grenze=np.nan, ok=False
            ),
            "vollstaendigkeit",
            "fehler",
            "eine Zeile für jede Gemeinde an jedem Stichtag der Datei (die Zeile dieser Gemeinde fehlt)",
        )
    ]


def directory_coverage_rules(df: pd.DataFrame, kreis_maps: dict[str, dict[str, str]]) -> list[pd.DataFrame]:
    """Every Gemeindeverzeichnis covers every Kreis: a Kreis with Gemeinden in one directory has
    Gemeinden in the next, unless a Kreis reform took them (``kreis_maps``), and a Kreis that
    appears was formed by one (a directory that lacks a Kreis would silently drop a year)."""
    gem = df[df["area_level"] == "gemeinde"]
    periods = sorted(gem["period"].unique())
    by_period = {p: set(g.str[:5]) for p, g in gem.groupby("period")["area_id"]}
    source = gem.drop_duplicates("period").set_index("period")["source"]
    kreis_rows = df[df["area_level"] == "kreis"]
    names = dict(zip(kreis_rows["area_id"], kreis_rows["area_name"]))
    rows = []
    for p0, p1 in zip(periods, periods[1:]):
        reform = kreis_maps.get(f"{p0}/{p1}", {})
        for kreis in sorted(by_period[p0] - by_period[p1] - set(reform)):
            rows.append(
                {"area_id": kreis, "period": p1, "source": source[p1], "erwartet": f"die Gemeinden des Kreises wie am {p0}"}
            )
        for kreis in sorted(by_period[p1] - by_period[p0] - set(reform.values())):
            rows.append(
                {"area_id": kreis, "period": p0, "source": source[p0], "erwartet": f"die Gemeinden des Kreises wie am {p1}"}
            )
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    return [
        _rule_frame(
            frame.drop(columns="erwartet").assign(
                area_name=frame["area_id"].map(names).fillna(""),
                variable="(Gemeinden des Kreises)",
                row=0,
                wert=np.nan,
                grenze=np.nan,
                ok=False,
            ),
            "vollstaendigkeit",
            "fehler",
            [f"{e} (das Verzeichnis enthält keine Gemeinde dieses Kreises)" for e in frame["erwartet"]],
        )
    ]


def name_rules(df: pd.DataFrame, consistent: bool) -> list[pd.DataFrame]:
    """Area names are names: at least one letter, and (``consistent``: tables whose areas keep their
    name over the reference dates, as GENESIS tables do) one name per area key, so that a damaged
    name cell cannot reach the report."""
    names = per_value(df["area_name"].fillna(""), str.strip)
    letter = re.compile(r"[^\W\d_]")
    bad = ~per_value(names, lambda n: bool(letter.search(n))).astype(bool)
    expected = pd.Series("einen Gebietsnamen mit Buchstaben", index=df.index)
    if consistent:
        counts = pd.DataFrame({"area_id": df["area_id"].to_numpy(), "name": names.to_numpy()}).value_counts()
        usual = counts.reset_index().drop_duplicates("area_id").set_index("area_id")["name"]  # the most frequent name
        other = names != df["area_id"].map(usual)
        expected = expected.where(~other, "denselben Namen wie in den übrigen Zeilen: „" + df["area_id"].map(usual) + "“")
        bad |= other
    rows = df[bad]
    if rows.empty:
        return []
    rows = rows.drop_duplicates(["area_id", "area_name", "period"])
    return [
        _rule_frame(
            rows.assign(wert=rows["area_name"], grenze=np.nan, ok=False, variable="(Gebietsname)"),
            "namen",
            "fehler",
            list(expected[rows.index]),
        )
    ]


def variable_completeness_rules(df: pd.DataFrame) -> list[pd.DataFrame]:
    """Every area and reference date has every variable the table has at that date elsewhere (a
    flat file or a workbook loses single rows)."""
    counts = df.groupby("period")["variable"].nunique()
    have = df.groupby(["area_id", "period"])["variable"].nunique().reset_index(name="n")
    have["soll"] = have["period"].map(counts)
    rows = have[have["n"] < have["soll"]].merge(_first_rows(df), on=["area_id", "period"], how="left")
    if rows.empty:
        return []
    return [
        _rule_frame(
            rows.assign(wert=rows["n"], grenze=rows["soll"], ok=False, variable="(Anzahl der Merkmale)"),
            "vollstaendigkeit",
            "fehler",
            [f"alle {s} Merkmale des Stichtags (eine Zeile fehlt)" for s in rows["soll"]],
        )
    ]


def _fmt(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if np.isnan(v):
        return "–"
    return number(v, 0 if abs(v - round(v)) < 1e-9 else 2)


# --- suites -------------------------------------------------------------------------------------------
def national_checks(
    tables: dict[str, pd.DataFrame],
    datasets: dict,
    plausibility: dict,
    year: int,
    kreise: list[str],
    exempt: set | None = None,
    kreis_maps: dict | None = None,
) -> Iterator[Check]:
    """The suites of the staged national tables: base suite, completeness, sums, plausibility
    (``kreis_maps``: the Kreis reforms between GV-ISys directories, see territory.derive_changes).
    A generator: each suite's frame is built when it is run, not all of them before the first."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    requirement = [Requirement(tuple(kreise), year)]
    for name, df in sorted(tables.items(), key=lambda t: (-len(t[1]), t[0])):
        spec = datasets[name]
        frame = _validation_frame(df)
        exps = base_expectations(spec, requirement)
        if spec.get("coverage") in ("report_year", "up_to_report_year"):
            exps.append(
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column="flag",
                    value_set=["", "-", ".", "x", "/", "..."],
                    severity=FailureSeverity.WARNING,
                    row_condition=f"year=={year}",
                    condition_parser="pandas",
                    meta={
                        "column": "Zeichen",
                        "expected": "endgültige Werte (p = vorläufige und r = berichtigte Werte "
                        "werden mit ihrem Zeichen gezeigt)",
                    },
                )
            )
        yield Check(name, frame, exps)
        del frame  # not held while the rule frames are built (the directory's is 300 000 rows)
        cfg = plausibility.get(name, {})
        frames = []
        for rule in spec.get("sums", []):
            frames += sum_rules(df, rule)
        frames += parts_rules(df, cfg.get("teile", []))
        frames += range_rules(df, cfg.get("bereiche", {}))
        frames += change_rules(df, cfg.get("veraenderung", []), exempt)
        for hierarchy in cfg.get("hierarchie", []):
            frames += hierarchy_rules(df, hierarchy)
        frames += upper_bound_rules(df, cfg.get("obergrenzen", []), tables)
        frames += agreement_rules(df, cfg.get("vergleich", []), tables)
        if spec.get("coverage") in ("report_year", "up_to_report_year") and spec["format"] == "genesis_csv":
            frames += completeness_rules(df, kreise, year)
        frames += name_rules(df, consistent=spec["format"] != "gvisys")
        if spec["format"] == "gvisys":
            frames += directory_coverage_rules(df, kreis_maps or {})
        if spec["format"] in ("genesis_ffcsv", "gvisys"):
            frames += variable_completeness_rules(df[df["area_level"] == "gemeinde"] if spec["format"] == "gvisys" else df)
        frames = [f for f in frames if len(f)]
        if frames:
            yield Check(
                f"{name}_plausibilitaet", pd.concat(frames, ignore_index=True), rule_expectations(), columns=RULE_CHECK_COLUMNS
            )


def sum_rules(df: pd.DataFrame, rule: dict) -> list[pd.DataFrame]:
    """total = sum of its parts (e.g. male + female = total), per area and reference date."""
    keep = df[df["variable"].isin([rule["total"], *rule["parts"]])]
    wide = keep.pivot_table(index=["area_id", "period"], columns="variable", values="value", aggfunc="first")
    if rule["total"] not in wide or not all(p in wide for p in rule["parts"]):
        return []
    wide = wide.dropna(subset=[rule["total"], *rule["parts"]]).reset_index()
    total, parts = wide[rule["total"]], wide[rule["parts"]].sum(axis=1)
    rows = wide[["area_id", "period"]].merge(_first_rows(df), on=["area_id", "period"], how="left")
    rows = rows.assign(
        variable=f"{rule['total']} = {' + '.join(rule['parts'])}",
        wert=total.to_numpy(),
        grenze=parts.to_numpy(),
        ok=((total - parts).abs() <= 0.5).to_numpy(),
    )
    return [_rule_frame(rows, "summe", "fehler", [f"Summe der Teile = Gesamtwert: {_fmt(p)}" for p in parts])]


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
        return f"{where}: gefunden {_fmt(row['wert'])}, erwartet {row['erwartet']}"
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
    return f"{where}, Spalte {column}: gefunden {_fmt(shown) if isinstance(shown, float) else repr(shown)}, erwartet {meta.get('expected')}"


def _describe(result, frame: pd.DataFrame, name: str, files: dict) -> list[str]:
    """Readable lines for one failed expectation: file, line, area, column, value, expectation."""
    meta = result.expectation_config.meta or {}
    idx = result.result.get("unexpected_index_list") or []

    def file_of(source: str) -> str:
        inner = source[source.find("(") + 1 : source.rfind(")")] if "(" in str(source) else str(source)
        return files.get(inner, inner)

    if meta.get("tabelle"):  # an expectation on one table of a frame of several
        frame = frame[frame["tabelle"] == meta["tabelle"]]
    if meta.get("gemeinden"):
        present = set(frame[frame["year"] == meta["year"]]["area_id"])
        missing = sorted(set(meta["gemeinden"]) - present)
        source = file_of(frame["source"].iloc[0]) if len(frame) else name
        return [
            f"{source}: Gemeinden fehlen für {meta['year']} (Spalte {meta.get('column')}): es fehlen {', '.join(missing[:25])}"
            f"{' …' if len(missing) > 25 else ''} – erwartet {meta.get('expected')}; die fehlenden Zeilen nachliefern"
        ]
    if meta.get("value_set"):
        cov = meta.get("coverage")
        rows = frame[frame["year"] <= meta["year"]] if cov == "up_to_report_year" else frame[frame["year"] == meta["year"]]
        missing = sorted(set(meta["value_set"]) - set(rows["kreis"]))
        source = file_of(frame["source"].iloc[0]) if len(frame) else name
        return [
            f"{source}: Kreise fehlen (Spalte {meta.get('column')}): erwartet {meta.get('expected')}; es fehlen: "
            f"{', '.join(missing[:25])}{' …' if len(missing) > 25 else ''} – die Tabelle vollständig (alle Kreise) herunterladen"
        ]
    if not idx:
        observed = result.result.get("observed_value")
        return [
            f"{file_of(meta['source']) if meta.get('source') else name}: {meta.get('expected', result.expectation_config.type)}"
            + (f"; gefunden: {observed}" if observed is not None else "")
        ]
    # at most 12 rows per file (a suite of rules can span several files), then the count of the rest
    by_file: dict[str, list] = {}
    for i in idx:
        i = i if not isinstance(i, dict) else next(iter(i.values()))
        by_file.setdefault(str(frame.at[i, "source"]) if "source" in frame else name, []).append(i)
    lines = []
    for source, rows in by_file.items():
        for i in rows[:12]:
            lines.append(_describe_row(frame.loc[i], meta, name, file_of))
        if len(rows) > 12:
            lines.append(f"{file_of(source)}: … und {len(rows) - 12} weitere Zeilen mit demselben Problem")
    return lines


def district_checks(
    tables: dict[str, pd.DataFrame],
    specs: dict,
    plausibility: dict,
    gemeinden: list[str],
    year: int,
    district: str,
    kreis_totals: dict[str, tuple[float, str]],
    fields: list[str] | None = None,
) -> list[Check]:
    """The suites of a district's small-area tables: one with every table ("kleinraeumige_daten",
    the table's name in column "tabelle"), one with the rules of every table ("plausibilitaet").

    Errors: the base suite, Gemeinde keys of the district only, every Gemeinde present for the
    report year, the plausibility rules (parts ≤ whole, counts ≤ population, changes); in a table
    with key columns (``key_columns``: the counselling tables) a Kennung in ``traeger`` and one of
    ``fields`` (config/beratung.yaml) in ``beratungsfeld``. Warnings: district sums that differ by
    more than 0.5 % from the official Kreis totals."""
    import great_expectations as gx

    E = gx.expectations
    # one suite for all tables (a GX expectation costs about 10 ms however few its rows: one base
    # suite instead of one per table), the table's name in column "tabelle"; the key columns of the
    # counselling tables are empty in the others
    data_keys = tuple(k for k in KEY_COLUMNS if any(k in df for df in tables.values()))
    order = [*TIDY_COLUMNS, *data_keys, "year", "kreis", "tabelle"]
    data, exps, rules = [], base_expectations({"coverage": "any"}, [], key=("tabelle",), data_keys=data_keys), []
    for name, df in sorted(tables.items()):
        spec = specs[name]
        data.append(_validation_frame(df).assign(tabelle=name).reindex(columns=order, fill_value=""))
        table = {"tabelle": name, "source": spec["file"]}
        exps += _key_expectations(E, name, table, [k for k in spec.get("key_columns", []) if k in df], fields)
        exps.append(
            E.ExpectColumnValuesToBeInSet(
                column="area_id",
                value_set=gemeinden,
                row_condition=f'tabelle=="{name}"',
                condition_parser="pandas",
                meta={
                    **table,
                    "column": spec["area"],
                    "expected": f"eine Gemeinde des Kreises „{district}“ (zwölfstelliger ARS)",
                },
            )
        )
        exps.append(
            E.ExpectColumnDistinctValuesToContainSet(
                column="year",
                value_set=[year],
                row_condition=f'tabelle=="{name}"',
                condition_parser="pandas",
                meta={**table, "column": spec["period"], "expected": f"Daten für das Berichtsjahr {year}"},
            )
        )
        if spec.get("complete", True):
            exps.append(
                E.ExpectColumnDistinctValuesToContainSet(
                    column="area_id",
                    value_set=gemeinden,
                    row_condition=f'tabelle=="{name}" and year=={year}',
                    condition_parser="pandas",
                    meta={
                        **table,
                        "column": spec["area"],
                        "completeness": True,
                        "gemeinden": gemeinden,
                        "year": year,
                        "expected": f"jede Gemeinde des Kreises für {year}",
                    },
                )
            )
        cfg = plausibility.get(name, {})
        frames = gap_rules(df, gemeinden, year) if spec.get("complete", True) else []
        frames += variable_completeness_rules(df) if spec.get("complete", True) and not spec.get("sparse") else []
        frames += parts_rules(df, [{"teil": r["part"], "ganzes": r["whole"]} for r in spec.get("subsets", [])])
        frames += parts_rules(df, cfg.get("teile", []))
        frames += range_rules(df, cfg.get("bereiche", {}))
        frames += change_rules(df, cfg.get("veraenderung", []))
        frames += upper_bound_rules(df, cfg.get("obergrenzen", []), tables)
        rules += [f for f in frames if len(f)]
        if name in kreis_totals:
            official, variable = kreis_totals[name]
            own = df[(_measure(df) == variable) & (df["period"].str[:4].astype(int) == year)]["value"].sum()
            totals = pd.DataFrame(
                {
                    "regel": ["kreissumme"],
                    "area_id": [district],
                    "area_name": [""],
                    "period": [str(year)],
                    "variable": [f"Summe von {variable} über die Gemeinden"],
                    "source": [df["source"].iloc[0]],
                    "row": [0],
                    "wert": [own],
                    "grenze": [official],
                    "ok": [abs(own - official) <= 0.005 * official],
                    "schwere": ["hinweis"],
                    "erwartet": [f"höchstens 0,5 % Abweichung von der amtlichen Kreissumme ({_fmt(official)})"],
                }
            )
            rules.append(totals)
    checks = [Check("kleinraeumige_daten", pd.concat(data, ignore_index=True), exps)] if data else []
    if rules:  # one suite for every rule of every table (a suite costs GX more than its rows)
        checks.append(
            Check("plausibilitaet", pd.concat(rules, ignore_index=True), rule_expectations(), columns=RULE_CHECK_COLUMNS)
        )
    return checks


def _key_expectations(E, name: str, table: dict, keys: list[str], fields: list[str] | None) -> list:
    """The key columns of one table: the provider's Kennung (tidy.KENNUNG) and a counselling field
    of the standard (any non-empty name where no standard is configured)."""
    out = []
    condition = {"row_condition": f'tabelle=="{name}"', "condition_parser": "pandas"}
    if "traeger" in keys:
        out.append(
            E.ExpectColumnValuesToMatchRegex(
                column="traeger",
                regex=f"^{KENNUNG}$",
                **condition,
                meta={**table, "column": "Träger", "expected": "die Kennung des Trägers (Kleinbuchstaben, Ziffern und „-“)"},
            )
        )
    if "beratungsfeld" in keys:
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="beratungsfeld",
                value_set=list(fields),
                **condition,
                meta={**table, "column": "Beratungsfeld", "expected": "eines der Beratungsfelder: " + ", ".join(fields)},
            )
            if fields
            else E.ExpectColumnValueLengthsToBeBetween(
                column="beratungsfeld",
                min_value=1,
                **condition,
                meta={**table, "column": "Beratungsfeld", "expected": "ein Beratungsfeld in jeder Zeile"},
            )
        )
    return out


def without_sql_backends() -> None:
    """For a job process that validates pandas frames only: GX's SQL support is optional (the
    ``great_expectations[sql]`` extra), but GX loads it whenever SQLAlchemy is importable, and
    SQLAlchemy is installed here as a dependency of Snakemake. Blocking it before GX is imported
    saves a quarter of a CPU-second per job. Not for a process that needs SQLAlchemy itself (a
    test session that runs Snakemake's API in-process); the rule scripts call it first."""
    import sys

    if "great_expectations" not in sys.modules:
        sys.modules.setdefault("sqlalchemy", None)


def run_checks(checks: Iterable[Check], docs_dir: str | None = None, files: dict | None = None) -> dict:
    """Run every suite (a Great Expectations validation definition per suite; Data Docs HTML into
    ``docs_dir``).

    Returns ``{"suites": {...}, "errors": [...], "warnings": [...]}`` with one readable line
    each; ``files`` maps file names to the paths a message names."""
    import logging

    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir:
        context.add_data_docs_site(
            site_name="sozialbericht",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())},
            },
        )
    source = context.data_sources.add_pandas("staged")
    report = {"suites": {}, "errors": [], "warnings": [], "docs": str(docs_dir) if docs_dir else ""}
    for check in checks:
        frame = check.frame if isinstance(check.frame.index, pd.RangeIndex) else check.frame.reset_index(drop=True)
        batch = source.add_dataframe_asset(check.name).add_batch_definition_whole_dataframe("all")
        # the suite is stored once with all its expectations (adding them one by one to a stored
        # suite writes the whole suite back to the store after each)
        suite = context.suites.add(gx.ExpectationSuite(name=check.name, expectations=list(check.expectations)))
        vd = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=check.name))
        # run directly, not through a checkpoint: the result is stored for the Data Docs all the
        # same, without a checkpoint's round trips through its stores (a third of the time)
        results = vd.run(
            batch_parameters={"dataframe": frame[list(check.columns)] if check.columns else frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": []},
        ).results
        counts = {"rows": int(len(frame)), "expectations": len(results), "errors": 0, "warnings": 0}
        for r in results:
            if r.success:
                continue
            severity = getattr(r.expectation_config, "severity", None)
            target = "warnings" if str(getattr(severity, "value", severity)).lower() == "warning" else "errors"
            counts[target] += 1
            report[target].extend(_describe(r, frame, check.name, files or {}))
        report["suites"][check.name] = counts
        # GX keeps every batch's data in its execution engine until the context is gone: release
        # it, so that only one suite's frame is held at a time (the directory's is 300 000 rows)
        engine = source.get_execution_engine().batch_manager
        engine.batch_data_cache.clear()
        engine.reset_batch_cache()
        del check, frame, batch, vd, results
    if docs_dir:  # once for all suites (an UpdateDataDocsAction per checkpoint rebuilds the site each time)
        context.build_data_docs(site_names=["sozialbericht"])
    return report


def validate_tables(
    tables: dict[str, pd.DataFrame],
    datasets: dict,
    plausibility: dict,
    year: int,
    kreise: list[str],
    docs_dir: str | None = None,
    files: dict | None = None,
    exempt: set | None = None,
    kreis_maps: dict | None = None,
) -> dict:
    """Validate the staged national tables; raise ValidationFailed listing every error, else return
    the summary (suites and warnings)."""
    report = run_checks(national_checks(tables, datasets, plausibility, year, kreise, exempt, kreis_maps), docs_dir, files)
    if report["errors"]:
        raise ValidationFailed("Bundesweite Daten", report["errors"])
    return report


def raw_files(datasets: dict, raw: str | Path) -> dict[str, str]:
    """File name → path (as the planner sees it) of every national file."""
    return {Path(f).name: str(Path(raw) / f) for spec in datasets.values() for f in spec["files"]}


def validate_staged(
    tables: dict[str, pd.DataFrame], datasets: dict, plausibility: dict, year: int, raw: str | Path, docs_dir: str | None = None
) -> dict:
    """The national validation of one report year: the Kreise of the report year (population
    table) must be complete; territorial changes between GV-ISys directories are exempt from the
    change rules of the Gemeinden."""
    from sozialbericht.core.territory import derive_changes

    pop = tables["bevoelkerung_alter"]
    kreise = sorted(
        pop[(pop["period"].str[:4].astype(int) == year) & (pop["area_id"].str.len() == 5) & pop["value"].notna()][
            "area_id"
        ].unique()
    )
    if not kreise:  # every other rule of the year would hold for no Kreis at all
        from sozialbericht.core.errors import InputError

        raise InputError(
            str(pop["source"].iloc[0]) if "source" in pop and len(pop) else "12411-0018",
            f"die Tabelle enthält keine Kreiswerte für das Berichtsjahr {year} (Stichtag 31.12.{year})",
            expected=f"die Bevölkerung jedes Kreises am 31.12.{year}",
            hint="die Tabelle 12411-0018 mit dem Stichtag des Berichtsjahres herunterladen (siehe data/raw/README.md) "
            "oder in config/config.yaml ein Berichtsjahr wählen, für das Daten vorliegen",
        )
    exempt, kreis_maps = set(), {}
    if "gemeindeverzeichnis" in tables:
        changes, kreis_maps = derive_changes(tables["gemeindeverzeichnis"])
        # a territorial change explains a jump: the Gemeinden concerned, and the Kreise whose
        # territory changed (a Kreis reform moves whole Gemeinden between Kreis keys), in every
        # year between the two directories
        moved = changes[changes["to_ars"] != ""]
        for a, b, p0, p1 in zip(moved["from_ars"], moved["to_ars"], moved["period_from"], moved["period_to"]):
            years = range(int(p0[:4]) + 1, int(p1[:4]) + 1)
            exempt |= {(a, str(y)) for y in years} | {(b, str(y)) for y in years}
            if a[:5] != b[:5]:
                exempt |= {(a[:5], str(y)) for y in years} | {(b[:5], str(y)) for y in years}
    return validate_tables(
        tables, datasets, plausibility.get("national", {}), year, kreise, docs_dir, raw_files(datasets, raw), exempt, kreis_maps
    )
