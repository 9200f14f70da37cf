"""The indicator catalogue applied: values, ratios, changes and differences per area and period.

Every indicator is defined in ``config/indicators.yaml``; this module only knows the methods.
Output columns: ``indicator_id, area_id, area_name, area_level, period, value, unit, flag``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sozialbericht.errors import InputError

OUTPUT_COLUMNS = ["indicator_id", "area_id", "area_name", "area_level", "period", "value", "unit", "flag"]
_KEYS = ["area_id", "period"]


def age_bounds(label: str) -> tuple[int, int | None]:
    """Age interval of a GENESIS age-group label: "unter 3 Jahre" → (0, 3), "3 bis unter 6 Jahre" → (3, 6),
    "75 Jahre und mehr" → (75, None)."""
    s = label.strip()
    if m := re.fullmatch(r"unter (\d+) Jahre?n?", s):
        return 0, int(m.group(1))
    if m := re.fullmatch(r"(\d+) bis unter (\d+) Jahre?n?", s):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+) Jahre? und (?:mehr|älter)", s):
        return int(m.group(1)), None
    raise ValueError(f"not an age-group label: {label!r}")


def age_groups(df: pd.DataFrame) -> pd.DataFrame:
    """Split 'sex | age group' variables of an age table into ``sex``, ``age_from``, ``age_to`` columns."""
    parts = df["variable"].str.split(" | ", n=1, regex=False)
    out = df.assign(sex=parts.str[0], age_label=parts.str[1])
    bounds = out["age_label"].map(age_bounds)
    out["age_from"] = bounds.str[0].astype("int64")
    out["age_to"] = bounds.str[1]
    return out


def _select_age(df: pd.DataFrame, spec: dict, name: str) -> pd.DataFrame:
    lo, hi = spec["age"]
    hi_num = np.inf if hi is None else hi
    groups = age_groups(df)
    if "sex" in spec:
        groups = groups[groups["sex"] == spec["sex"]]
    upper = groups["age_to"].fillna(np.inf).astype(float)
    inside = (groups["age_from"] >= lo) & (upper <= hi_num)
    straddle = (groups["age_from"] < hi_num) & (upper > lo) & ~inside
    if straddle.any():
        bad = groups.loc[straddle, "age_label"].iloc[0]
        raise InputError("config/indicators.yaml", f"age interval {spec['age']} does not fit the source's age groups",
                         where=f"indicator '{name}'", found=bad, expected="interval bounds that are age-group bounds of the table")
    return groups[inside]


def quantity(tables: dict[str, pd.DataFrame], spec: dict, name: str) -> pd.DataFrame:
    """Values of one numerator/denominator spec per area and period (columns area_id, period, value, flag).

    Sums of several source cells keep NaN when any cell is missing, and carry the first marker.
    Count tables published only for Kreise are aggregated to Länder and Germany.
    """
    df = tables[spec["dataset"]]
    sel = _select_age(df, spec, name) if "age" in spec else df[df["variable"] == spec["variable"]]
    if sel.empty:
        raise InputError("config/indicators.yaml", "the variable is not in the dataset", where=f"indicator '{name}'",
                         found=spec.get("variable", spec.get("age")), expected=f"a variable of dataset '{spec['dataset']}'")
    out = (sel.groupby(_KEYS, as_index=False, sort=True)
           .agg(value=("value", lambda s: s.sum(min_count=len(s))), flag=("flag", lambda s: next((f for f in s if f), "")),
                unit=("unit", "first")))
    if (out["unit"] == "Anzahl").all() and not (df["area_level"].isin(["land", "bund"])).any():
        kreise = out[out["area_id"].str.len() == 5]
        land = kreise.assign(area_id=kreise["area_id"].str[:2])
        bund = kreise.assign(area_id="DG")
        agg = (pd.concat([land, bund]).groupby(_KEYS, as_index=False, sort=True)
               .agg(value=("value", lambda s: s.sum(min_count=len(s))), flag=("flag", lambda s: next((f for f in s if f), "")),
                    unit=("unit", "first")))
        out = pd.concat([out, agg], ignore_index=True)
    return out[_KEYS + ["value", "flag"]]


def _base_period(periods: pd.Series, base_year: int | None) -> str | None:
    candidates = sorted(p for p in periods.unique() if base_year is None or int(p[:4]) == base_year)
    return candidates[0] if candidates else None


def compute_indicator(ind: dict, tables: dict[str, pd.DataFrame], base_year: int | None = None) -> pd.DataFrame:
    """One catalogue entry applied to the staged tables."""
    num = quantity(tables, ind["numerator"], ind["id"])
    method = ind["method"]
    if method == "value":
        out = num
    elif method == "ratio":
        den = quantity(tables, ind["denominator"], ind["id"])
        out = num.merge(den, on=_KEYS, suffixes=("", "_den"))
        den_v = out["value_den"].where(out["value_den"] != 0)
        out["value"] = out["value"] / den_v * ind.get("scale", 1)
        out["flag"] = out["flag"].where(out["flag"] != "", out["flag_den"])
    elif method == "change":
        base = _base_period(num["period"], base_year)
        if base is None:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        ref = num[num["period"] == base][["area_id", "value", "flag"]].rename(columns={"value": "base", "flag": "flag_base"})
        out = num[num["period"] >= base].merge(ref, on="area_id")
        out["value"] = (out["value"] - out["base"]) / out["base"].where(out["base"] != 0) * 100
        out["flag"] = out["flag"].where(out["flag"] != "", out["flag_base"])
    elif method == "diff_pct":
        den = quantity(tables, ind["denominator"], ind["id"])
        a = num[num["period"] == ind["period_numerator"]]
        b = den[den["period"] == ind["period_denominator"]][["area_id", "value", "flag"]]
        out = a.merge(b, on="area_id", suffixes=("", "_den"))
        out["value"] = (out["value"] - out["value_den"]) / out["value_den"].where(out["value_den"] != 0) * 100
        out["flag"] = out["flag"].where(out["flag"] != "", out["flag_den"])
    else:  # guarded by the catalogue schema
        raise ValueError(method)
    out = out.assign(indicator_id=ind["id"], unit=ind["unit"])
    out.loc[out["value"].isna() & (out["flag"] == ""), "flag"] = "."
    return out


def compute(catalogue: list[dict], tables: dict[str, pd.DataFrame], level: str, names: dict[str, str],
            base_year: int | None = None) -> pd.DataFrame:
    """Every catalogue indicator of ``level`` ('kreis' or 'gemeinde'), in catalogue order, rows sorted."""
    from sozialbericht.tidy import area_level

    parts = [compute_indicator(ind, tables, base_year) for ind in catalogue if ind["level"] == level]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["area_name"] = out["area_id"].map(names).fillna("")
    out["area_level"] = out["area_id"].map(area_level)
    order = {ind["id"]: i for i, ind in enumerate(catalogue)}
    out["_order"] = out["indicator_id"].map(order)
    out = out.sort_values(["_order", "area_id", "period"], kind="stable")
    return out[OUTPUT_COLUMNS].reset_index(drop=True)
