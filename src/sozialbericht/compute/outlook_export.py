"""The outlook in the published indicator table (``indikatoren.csv``, contract in the README).

Three columns join the table: ``lower`` and ``upper`` (the range that belongs to a value) and
``comparison`` (``höher`` / ``ähnlich`` / ``niedriger``). Their meaning depends on the row:

- a small-area rate (Gemeinde, Sozialraum, Gemeindeverband): its 95 % interval and the flag
  against the Kreis value of the same indicator and date (``intervalle.csv``);
- the Kreis's value of a key indicator of the comparison: ``comparison`` says whether it lies
  above, inside or below its Vergleichskreise' interquartile range (``vergleich.csv``);
- a row of area level ``vergleichskreise`` (area id ``VK`` + Kreisschlüssel): the group's median
  as the value, P25 and P75 as ``lower`` and ``upper``;
- a demand row (``kinder_krippenalter``, ``kinder_kitaalter``, ``kinder_grundschulalter`` per
  projection year, ``pflegebeduerftige_erwartet`` for the base date and the care years): the
  middle migration variant as the value, the range over the variants as ``lower`` and ``upper``
  (Kreis); the Gemeinden's children from the Gemeinde projection (middle variant, no range) in
  the base year, every fifth year and the target year.

Every other row leaves the three columns empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.compute.demand import CHILD_BANDS, variant_range
from sozialbericht.core.tidy import area_level

COLUMNS = ["lower", "upper", "comparison"]
GROUP_LEVEL = "vergleichskreise"
#: Demand indicators of the catalogue by the band of ``demand.CHILD_BANDS`` they count.
CHILD_INDICATORS = dict(zip(CHILD_BANDS, ("kinder_krippenalter", "kinder_kitaalter", "kinder_grundschulalter")))
CARE_INDICATOR = "pflegebeduerftige_erwartet"
#: The peer comparison's positions in the vocabulary of the small-area flags.
POSITION = {"oberhalb": "höher", "innerhalb": "ähnlich", "unterhalb": "niedriger"}


def group_id(kreis: str) -> str:
    """The area id of a Kreis's comparison group in the published table."""
    return f"VK{kreis}"


def _frame(rows: list[dict], catalogue: dict, names: dict[str, str], level: str | None = None) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["indicator_id", "area_id", "period", "value", "lower", "upper"])
    return out.assign(
        area_name=out["area_id"].map(names).fillna(""),
        area_level=level or out["area_id"].map(area_level),
        unit=out["indicator_id"].map(lambda i: catalogue[i]["unit"]),
        flag="",
        comparison="",
    )


def group_rows(comparison: pd.DataFrame, kreis: str, catalogue: dict) -> pd.DataFrame:
    """The comparison group's median and quartiles per key indicator, as rows of the table."""
    rows = [
        {"indicator_id": r.indicator_id, "area_id": group_id(kreis), "period": r.period, "value": r.median}
        | {"lower": r.p25, "upper": r.p75}
        for r in comparison.itertuples()
        if r.indicator_id in catalogue
    ]
    return _frame(rows, catalogue, {group_id(kreis): "Vergleichskreise (Median)"}, GROUP_LEVEL)


def demand_rows(
    children: pd.DataFrame | None,
    care: pd.DataFrame | None,
    gemeinden: pd.DataFrame | None,
    catalogue: dict,
    names: dict[str, str],
) -> pd.DataFrame:
    """The demand rows: the Kreis's children per band and year and its expected people in need of
    care (middle variant, range over the variants), the Gemeinden's children per band."""
    rows = []
    if children is not None and len(children):
        kids = variant_range(children, ["area_id", "band", "year"])
        for r in kids[kids["band"].isin(CHILD_INDICATORS)].itertuples():
            rows.append(_row(CHILD_INDICATORS[r.band], r.area_id, r.year, r.value, r.lower, r.upper))
    if care is not None and len(care):
        for r in variant_range(care, ["area_id", "year"]).itertuples():
            rows.append(_row(CARE_INDICATOR, r.area_id, r.year, r.value, r.lower, r.upper))
    if gemeinden is not None and len(gemeinden):
        years = sorted(gemeinden["year"].unique())
        shown = {years[0], years[-1], *(y for y in years if y % 5 == 0)}
        picked = gemeinden[gemeinden["group"].isin(CHILD_INDICATORS) & gemeinden["year"].isin(shown)]
        for r in picked.itertuples():
            rows.append(_row(CHILD_INDICATORS[r.group], r.area_id, r.year, r.value, np.nan, np.nan))
    ids = [i for i in (*CHILD_INDICATORS.values(), CARE_INDICATOR) if i in catalogue]
    return _frame([r for r in rows if r["indicator_id"] in ids], catalogue, names)


def _row(indicator: str, area: str, year, value, lower, upper) -> dict:
    return {"indicator_id": indicator, "area_id": str(area), "period": str(int(year))} | {
        "value": float(value),
        "lower": float(lower),
        "upper": float(upper),
    }


def _marks(table: pd.DataFrame, marks: pd.DataFrame) -> pd.DataFrame:
    """``lower``, ``upper`` and ``comparison`` of ``marks`` (keyed by indicator, area, period) on
    the matching rows of ``table``."""
    keys = ["indicator_id", "area_id", "period"]
    marks = marks.drop_duplicates(keys)
    merged = table.drop(columns=COLUMNS, errors="ignore").merge(marks[[*keys, *COLUMNS]], on=keys, how="left")
    merged["comparison"] = merged["comparison"].fillna("")
    return merged


def extend(
    result: pd.DataFrame,
    outlook,
    catalogue: list,
    kreis: str,
    gemeinden: pd.DataFrame | None,
) -> pd.DataFrame:
    """The published table with the outlook's columns and rows (``outlook``:
    ``district_outlook.Outlook``; ``gemeinden``: the Gemeinde projection, ``prognose_gemeinden``)."""
    cat = {ind["id"]: ind for ind in catalogue}
    names = dict(zip(result["area_id"], result["area_name"]))
    marks = [outlook.intervals.rename(columns={"flag": "comparison"})]
    extra = [demand_rows(outlook.children, outlook.care, gemeinden, cat, names)]
    if outlook.comparison is not None and len(outlook.comparison):
        own = outlook.comparison.assign(area_id=kreis, lower=np.nan, upper=np.nan)
        marks.append(own.assign(comparison=own["position"].map(POSITION).fillna("")))
        extra.append(group_rows(outlook.comparison, kreis, cat))
    table = _marks(result, pd.concat([m[["indicator_id", "area_id", "period", *COLUMNS]] for m in marks]))
    extra = [e for e in extra if len(e)]
    if not extra:
        return table
    added = pd.concat(extra, ignore_index=True).assign(synthetic=False)
    out = pd.concat([table, added.reindex(columns=table.columns)], ignore_index=True)
    order = {ind["id"]: i for i, ind in enumerate(catalogue)}
    out = out.assign(_o=out["indicator_id"].map(order)).sort_values(["_o", "area_id", "period"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)
