"""The indicator catalogue applied: values, ratios, balances, changes and differences per area and period.

Every indicator is defined in ``config/indicators.yaml``; this module only knows the methods.
Output columns: ``indicator_id, area_id, area_name, area_level, period, value, unit, flag`` and,
for disclosure control, ``numerator`` (the count a rate is built on).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.core.ages import _variable_parts, age_groups
from sozialbericht.core.errors import InputError
from sozialbericht.core.tidy import area_level

OUTPUT_COLUMNS = ["indicator_id", "area_id", "area_name", "area_level", "period", "value", "unit", "flag"]
# The published export (contract of indikatoren.csv): the output columns, ``synthetic`` (whether
# the value is derived from synthetic example data) and ``lower, upper, comparison``
# (compute/outlook_export.py).
_KEYS = ["area_id", "period"]


def _select(df: pd.DataFrame, spec: dict, name: str) -> pd.DataFrame:
    """Rows of a dataset that make up one numerator or denominator.

    ``variable`` is the measure (the variable's first part); each label of ``contains`` is a
    dimension label at one position of the variable (a label found at two positions, a value of
    two dimensions, is refused: it would select rows of both); ``where`` selects by the key
    columns of the counselling tables (provider, field: tidy.KEY_COLUMNS), never by a string."""
    info = _variable_parts(df["variable"])
    keep = pd.Series(True, index=info.index)
    if "variable" in spec:
        keep &= info["parts"].map(lambda p: p[0] == spec["variable"])
    for label in spec.get("contains", []):
        at = _position(info.loc[keep, "parts"], label, name)
        keep &= info["parts"].map(lambda p, label=label, at=at: 0 < at < len(p) and p[at] == label)
    if "sex" in spec:
        keep &= info["parts"].map(lambda p: spec["sex"] in p)
    rows = df["variable"].isin(info.index[keep])
    for column, value in spec.get("where", {}).items():
        if column not in df:
            raise InputError(
                "config/indicators.yaml",
                f"der Datensatz hat keine Spalte „{column}“",
                where=f"indicator '{name}'",
                found=column,
                expected=f"eine Spalte des Datensatzes '{spec['dataset']}': {', '.join(map(str, df.columns))}",
            )
        rows &= df[column] == value
    sel = df[rows]
    if "age" not in spec:
        return sel
    lo, hi = spec["age"]
    hi_num = np.inf if hi is None else hi
    groups = age_groups(sel)
    upper = groups["age_to"].fillna(np.inf).astype(float)
    inside = (groups["age_from"] >= lo) & (upper <= hi_num)
    straddle = (groups["age_from"] < hi_num) & (upper > lo) & ~inside
    if straddle.any():
        raise InputError(
            "config/indicators.yaml",
            f"age interval {spec['age']} does not fit the source's age groups",
            where=f"indicator '{name}'",
            found=groups.loc[straddle, "age_label"].iloc[0],
            expected="interval bounds that are age-group bounds of the table",
        )
    return groups[inside]


def _position(parts: pd.Series, label: str, name: str) -> int:
    """The one position (after the measure) at which ``label`` is a part of the variables; -1 when
    it is none."""
    positions = sorted({i for p in parts for i, x in enumerate(p) if i > 0 and x == label})
    if len(positions) > 1:
        raise InputError(
            "config/indicators.yaml",
            "eine Ausprägung steht an mehreren Stellen der Merkmale (in mehreren Merkmalen)",
            where=f"indicator '{name}', Schlüssel 'contains'",
            found=label,
            expected="eine Ausprägung genau eines Merkmals",
            hint="Ausprägungen in config/district_inputs.yaml eindeutig benennen",
        )
    return positions[0] if positions else -1


def _sum(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum per area and period; NaN when any cell is missing; the first marker is kept."""
    groups = pd.DataFrame(
        {
            **{k: frame[k].to_numpy() for k in _KEYS},
            "value": frame["value"].to_numpy(),
            "missing": frame["value"].isna().to_numpy(),
            "flag": frame["flag"].where(frame["flag"] != "").to_numpy(),
            "unit": frame["unit"].to_numpy(),
        }
    ).groupby(_KEYS, sort=True)  # one grouping for the four aggregates
    value = groups["value"].sum()
    flag = groups["flag"].first()
    out = pd.DataFrame(
        {
            "value": value.where(~groups["missing"].any()),
            "flag": flag.reindex(value.index).fillna(""),
            "unit": groups["unit"].first(),
        }
    )
    return out.reset_index()


def quantity(
    tables: dict[str, pd.DataFrame], spec: dict, name: str, groups: dict[str, str] | list[dict[str, str]] | None = None
) -> pd.DataFrame:
    """Values of one numerator/denominator spec per area and period (columns area_id, period, value, flag).

    Sums of several source cells keep NaN when any cell is missing, and carry the first marker.
    Count tables published only for Kreise are aggregated to Länder and Germany; Gemeinde tables
    to the Kreis and to the areas of ``groups`` (one or several mappings Gemeinde ARS → area id:
    Sozialräume, Gemeindeverbände).
    """
    df = tables[spec["dataset"]]
    sel = _select(df, spec, name)
    if sel.empty:
        raise InputError(
            "config/indicators.yaml",
            "the variable is not in the dataset",
            where=f"indicator '{name}'",
            found=spec.get("variable", spec.get("age")),
            expected=f"a variable of dataset '{spec['dataset']}'",
        )
    out = _sum(sel)
    counts = (out["unit"] == "Anzahl").all() or (out["unit"] == "VZÄ").all()
    if counts and not df["area_level"].isin(["land", "bund"]).any():
        kreise = out[out["area_id"].str.len() == 5]
        gemeinden = out[out["area_id"].str.len() == 12]
        extra = [
            kreise.assign(area_id=kreise["area_id"].str[:2]),
            kreise.assign(area_id="DG"),
            gemeinden.assign(area_id=gemeinden["area_id"].str[:5]),
        ]
        for mapping in [groups] if isinstance(groups, dict) else groups or []:
            grouped = gemeinden[gemeinden["area_id"].isin(mapping)]
            extra.append(grouped.assign(area_id=grouped["area_id"].map(mapping)))
        extra = [e for e in extra if len(e)]
        if extra:
            out = pd.concat([out, _sum(pd.concat(extra))], ignore_index=True)
    return out[_KEYS + ["value", "flag"]].assign(year=out["period"].str[:4])


def _base_period(periods: pd.Series, base_year: int | None) -> str | None:
    candidates = sorted(p for p in periods.unique() if base_year is None or int(p[:4]) == base_year)
    return candidates[0] if candidates else None


def _rate(num: pd.DataFrame, den: pd.DataFrame, scale: float) -> pd.DataFrame:
    """numerator / denominator × scale, matched by area and year (the numerator's period is kept)."""
    out = num.merge(den.drop(columns="period"), on=["area_id", "year"], suffixes=("", "_den"))
    out["numerator"] = out["value"]
    out["value"] = out["value"] / out["value_den"].where(out["value_den"] != 0) * scale
    out["flag"] = out["flag"].where(out["flag"] != "", out["flag_den"])
    return out


def compute_indicator(
    ind: dict,
    tables: dict[str, pd.DataFrame],
    base_year: int | None = None,
    groups: dict[str, str] | list[dict[str, str]] | None = None,
) -> pd.DataFrame:
    """One catalogue entry applied to the staged tables."""
    q = lambda key: quantity(tables, ind[key], ind["id"], groups)  # noqa: E731
    num = q("numerator")
    method = ind["method"]
    if method == "value":
        out = num.assign(numerator=num["value"])
    elif method == "ratio":
        out = _rate(num, q("denominator"), ind.get("scale", 1))
    elif method == "balance":
        minus = q("subtract")[["area_id", "period", "value", "flag"]].rename(columns={"value": "minus", "flag": "flag_minus"})
        diff = num.merge(minus, on=_KEYS)
        diff["value"] = diff["value"] - diff["minus"]
        diff["flag"] = diff["flag"].where(diff["flag"] != "", diff["flag_minus"])
        out = _rate(diff[_KEYS + ["value", "flag", "year"]], q("denominator"), ind.get("scale", 1))
        out["numerator"] = np.nan  # a balance is no count that could identify persons
    elif method == "change":
        base = _base_period(num["period"], base_year)
        if base is None:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        ref = num[num["period"] == base][["area_id", "value", "flag"]].rename(columns={"value": "base", "flag": "flag_base"})
        out = num[num["period"] >= base].merge(ref, on="area_id")
        out["value"] = (out["value"] - out["base"]) / out["base"].where(out["base"] != 0) * 100
        out["flag"] = out["flag"].where(out["flag"] != "", out["flag_base"])
        out["numerator"] = np.nan
    elif method == "diff_pct":
        den = q("denominator")
        a = num[num["period"] == ind["period_numerator"]]
        b = den[den["period"] == ind["period_denominator"]][["area_id", "value", "flag"]]
        out = a.merge(b, on="area_id", suffixes=("", "_den"))
        out["value"] = (out["value"] - out["value_den"]) / out["value_den"].where(out["value_den"] != 0) * 100
        out["flag"] = out["flag"].where(out["flag"] != "", out["flag_den"])
        out["numerator"] = np.nan
    else:  # guarded by the catalogue schema
        raise ValueError(method)
    out = out.assign(indicator_id=ind["id"], unit=ind["unit"])
    out.loc[out["value"].isna() & (out["flag"] == ""), "flag"] = "."
    return out


def compute(
    catalogue: list[dict],
    tables: dict[str, pd.DataFrame],
    level: str,
    names: dict[str, str],
    base_year: int | None = None,
    groups: dict[str, str] | list[dict[str, str]] | None = None,
) -> pd.DataFrame:
    """Every catalogue indicator of ``level`` ('kreis' or 'gemeinde'), in catalogue order, rows
    sorted; with the internal column ``numerator`` for disclosure control."""
    wanted = [
        ind
        for ind in catalogue
        if ind["level"] == level
        and ind["method"] != "model"
        and all(
            ind[k]["dataset"] in tables and len(tables[ind[k]["dataset"]])
            for k in ("numerator", "denominator", "subtract")
            if k in ind
        )
    ]
    parts = [p for p in (compute_indicator(ind, tables, base_year, groups) for ind in wanted) if len(p)]
    if not parts:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "numerator"])
    out = pd.concat(parts, ignore_index=True)
    out["area_name"] = out["area_id"].map(names).fillna("")
    out["area_level"] = out["area_id"].map(area_level)
    order = {ind["id"]: i for i, ind in enumerate(catalogue)}
    out["_order"] = out["indicator_id"].map(order)
    out = out.sort_values(["_order", "area_id", "period"], kind="stable")
    return out[[*OUTPUT_COLUMNS, "numerator"]].reset_index(drop=True)
