"""Completeness rules: nothing is lost between the files and the staged tables.

Every Kreis of the report year at every reference date of a national table (no gaps in its
series), every Gemeinde at every reference date of a district file, every Kreis in every
Gemeindeverzeichnis (unless a Kreis reform explains it), and every variable of a reference date
for every area. Each rule is a frame of ``frames.RULE_COLUMNS`` whose failing rows name what is
missing, in German.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.validate.frames import RULE_COLUMNS, first_rows, key_length, rule_frame, validation_frame


def completeness_rules(df: pd.DataFrame, kreise: list[str], year: int) -> list[pd.DataFrame]:
    """No gaps: a Kreis of the report year that is in the table (and Germany, each Land and Regierungsbezirk, where the
    table has them) must be there at every reference date from its first one up to the report year
    (rows are not lost in between)."""
    frame = validation_frame(df)
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
        return [rule_frame(pd.DataFrame(columns=RULE_COLUMNS).astype({"ok": bool}), "vollstaendigkeit", "fehler", "")]
    return [
        rule_frame(
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
        rule_frame(
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
        rule_frame(
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


def variable_completeness_rules(df: pd.DataFrame) -> list[pd.DataFrame]:
    """Every area and reference date has every variable the table has at that date elsewhere (a
    flat file or a workbook loses single rows)."""
    counts = df.groupby("period")["variable"].nunique()
    have = df.groupby(["area_id", "period"])["variable"].nunique().reset_index(name="n")
    have["soll"] = have["period"].map(counts)
    rows = have[have["n"] < have["soll"]].merge(first_rows(df), on=["area_id", "period"], how="left")
    if rows.empty:
        return []
    return [
        rule_frame(
            rows.assign(wert=rows["n"], grenze=rows["soll"], ok=False, variable="(Anzahl der Merkmale)"),
            "vollstaendigkeit",
            "fehler",
            [f"alle {s} Merkmale des Stichtags (eine Zeile fehlt)" for s in rows["soll"]],
        )
    ]
