"""Disclosure control — the single place where small counts are suppressed.

Applied to the indicator table of a district before anything reaches a notebook, figure, table or
export (§ 16 BStatG; rule of the Bundesagentur für Arbeit: at least 3 cases per cell):

1. primary suppression: a count below the threshold (1 or 2 with the default 3; 0 stays, it
   reveals nothing about a person) is replaced by the marker ``.``; so is every rate built on
   such a count (the count could be recovered from the rate and the published population);
2. secondary suppression: where a published total is the sum of cells (Gemeinden → Kreis,
   Gemeinden → Sozialraum, Sozialräume → Kreis, counselling fields → all fields), a group with
   exactly one suppressed cell gets its smallest other cell suppressed too, repeated until no
   group has a single suppressed cell, so that no suppressed value follows from a difference;
3. small areas: rates of areas with fewer inhabitants than the indicator's ``min_population``
   are not shown (marker ``/``: not reliable enough).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESSED, UNRELIABLE = ".", "/"


def _cell_counts(df: pd.DataFrame) -> pd.Series:
    """The count behind each row: the value of a count, the numerator of a rate (NaN: none)."""
    counts = df["value"].where(df["unit"] == "Anzahl")
    return counts.fillna(df["numerator"]) if "numerator" in df else counts


def _groups(df: pd.DataFrame, kreis: str, sozialraeume: dict[str, list[str]], families: dict[str, str]) -> list[pd.Index]:
    """Index sets of rows that add up to a published total (including the total's own row)."""
    groups = []
    for _, d in df.groupby(["indicator_id", "period"], sort=False):
        by_area = dict(zip(d["area_id"], d.index))
        gemeinden = [i for a, i in by_area.items() if len(a) == 12]
        if kreis in by_area and gemeinden:
            groups.append(pd.Index([*gemeinden, by_area[kreis]]))
        for sr_id, members in sozialraeume.items():
            cells = [by_area[m] for m in members if m in by_area]
            if sr_id in by_area and cells:
                groups.append(pd.Index([*cells, by_area[sr_id]]))
        srs = [by_area[s] for s in sozialraeume if s in by_area]
        if kreis in by_area and srs:
            groups.append(pd.Index([*srs, by_area[kreis]]))
    for total, members in _family_members(families).items():
        d = df[df["indicator_id"].isin([total, *members])]
        for _, cell in d.groupby(["area_id", "period"], sort=False):
            if len(cell) > 1:
                groups.append(cell.index)
    return groups


def _family_members(families: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for member, total in families.items():
        out.setdefault(total, []).append(member)
    return out


def suppress(
    df: pd.DataFrame,
    kreis: str,
    sozialraeume: dict[str, list[str]] | None = None,
    families: dict[str, str] | None = None,
    threshold: int = 3,
    population: pd.Series | None = None,
    min_population: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Apply primary and secondary suppression and the small-area rule; return a new table.

    ``sozialraeume``: Sozialraum area id → member Gemeinden; ``families``: indicator id → id of
    the indicator that is the sum of it and its siblings (e.g. counselling fields → all fields);
    ``population``: inhabitants per (area_id, year); ``min_population``: indicator id → minimum.
    """
    out = df.copy()
    counts = _cell_counts(out)
    suppressed = (counts > 0) & (counts < threshold)
    groups = _groups(out, kreis, sozialraeume or {}, families or {})
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = suppressed.loc[group]
            if hidden.sum() == 1:
                candidates = counts.loc[group][~hidden].dropna()
                if len(candidates):
                    suppressed.loc[candidates.idxmin()] = True
                    changed = True
    out.loc[suppressed, "value"] = np.nan
    out.loc[suppressed, "flag"] = SUPPRESSED
    if population is not None and min_population:
        year = out["period"].str[:4]
        inhabitants = pd.Series([population.get((a, y), np.nan) for a, y in zip(out["area_id"], year)], index=out.index)
        minimum = out["indicator_id"].map(min_population).fillna(0)
        small = (inhabitants < minimum) & (out["unit"] != "Anzahl") & ~suppressed
        out.loc[small, "value"] = np.nan
        out.loc[small, "flag"] = UNRELIABLE
    return out.drop(columns=["numerator"], errors="ignore")


def suppress_counts(counts: dict[str, int], minimum: int, total: bool = True) -> dict[str, str]:
    """Counts shown outside the indicator table (chapter tables of the providers' cases, receipts),
    formatted: below ``minimum`` (and above 0) → ``.``; with ``total`` (the counts add up to a shown
    total) a single hidden count takes the next smallest with it (secondary suppression)."""
    from sozialbericht.core.formatting import number

    hidden = {k for k, v in counts.items() if 0 < v < minimum}
    if total and len(hidden) == 1:
        others = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    return {k: SUPPRESSED if k in hidden else number(v) for k, v in counts.items()}
