"""95 % intervals for small-area values and the flag against a reference (the Kreis value).

A Gemeinde of 800 inhabitants and one of 40.000 are not ranked by the same rates without saying
which differences are noise. As in the English Fingertips tools, every small-area rate gets an
interval and a flag "höher / ähnlich / niedriger" against the benchmark:

- **Shares** (a count out of a population it belongs to, e.g. SGB-II recipients of the
  inhabitants under 65; catalogue unit "%"): the Wilson score interval (Wilson 1927), which keeps
  its coverage for small counts and never leaves [0, 1]; recommended by Newcombe (1998) and
  Brown, Cai & DasGupta (2001), and the Fingertips method for proportions.
- **Rates of events** (cases per 1.000 or 10.000 inhabitants, e.g. counselling cases): the exact
  Poisson interval (Garwood 1936) from chi-square quantiles, the Fingertips method for counts and
  crude rates: lower = χ²(α/2; 2x) / 2, upper = χ²(1 − α/2; 2x + 2) / 2 events, divided by the
  population and multiplied by the scale.

Edge cases: 0 events give the lower limit 0 and a finite upper limit; a denominator of 0, a
missing (suppressed, NaN) count or denominator, a negative count or a share's count above its
denominator give no interval (NaN, NaN). The flag compares the interval with the reference:
"höher" when the whole interval lies above it, "niedriger" when below, "ähnlich" when the interval
contains it (limits included), "" where either is missing. The flag is not a test of the
difference of two independent estimates: the Kreis value is treated as fixed, which is right
when the area is a small part of the Kreis (and conservative otherwise).

Which indicators get which interval (``interval_kind``): ratios in "%" are shares (Wilson);
ratios per 1.000, 10.000 or 100.000 are rates of events (Poisson); everything else (counts,
quotients of disjoint groups such as the Jugendquotient, balances, model values) gets none.
``table_intervals`` applies this to the small-area rates of a district's indicator table.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

LEVEL = 0.95
HIGHER, SIMILAR, LOWER = "höher", "ähnlich", "niedriger"
WILSON, POISSON = "wilson", "poisson"
RATE_UNITS = {"je 1.000": 1000, "je 10.000": 10000, "je 100.000": 100000}


def _z(level: float) -> float:
    """The standard normal quantile for a two-sided interval of ``level``."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def wilson(count, n, scale: float = 100, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the share ``count / n`` × ``scale`` (arrays of any shape).

    NaN where the count or n is missing, n ≤ 0, the count is negative or above n."""
    x, n = np.broadcast_arrays(np.asarray(count, dtype=float), np.asarray(n, dtype=float))
    valid = ~np.isnan(x) & ~np.isnan(n) & (n > 0) & (x >= 0) & (x <= n)
    z2 = _z(level) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = np.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) * np.sqrt(z2) / (1 + z2 / n)
        lower = np.where(x == 0, 0.0, centre - half)
        upper = np.where(x == n, 1.0, centre + half)
    return np.where(valid, lower * scale, np.nan), np.where(valid, upper * scale, np.nan)


def poisson_exact(events, population, scale: float = 1000, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval of the rate ``events / population`` × ``scale``.

    The limits for the expected number of events are the gamma quantiles (equivalently half the
    chi-square quantiles with 2x and 2x + 2 degrees of freedom); 0 events give the lower limit 0.
    NaN where events or population are missing, the population ≤ 0 or the events negative.
    Non-integer events (e.g. averages over years) are accepted as they are."""
    from scipy.special import gammaincinv  # here: importing this module stays cheap

    x, pop = np.broadcast_arrays(np.asarray(events, dtype=float), np.asarray(population, dtype=float))
    valid = ~np.isnan(x) & ~np.isnan(pop) & (pop > 0) & (x >= 0)
    alpha = 1 - level
    safe_x = np.where(valid, x, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(safe_x > 0, gammaincinv(np.where(safe_x > 0, safe_x, 1.0), alpha / 2), 0.0)
        upper = gammaincinv(safe_x + 1, 1 - alpha / 2)
        factor = scale / pop
    return np.where(valid, lower * factor, np.nan), np.where(valid, upper * factor, np.nan)


def flag(lower, upper, reference) -> np.ndarray:
    """Per element "höher" / "ähnlich" / "niedriger": the interval [lower, upper] lies above /
    contains / lies below the reference; "" where the interval or the reference is missing."""
    lo, hi, ref = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lower, upper, reference)))
    out = np.full(lo.shape, "", dtype=object)
    known = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(ref)
    out[known] = SIMILAR
    out[known & (lo > ref)] = HIGHER
    out[known & (hi < ref)] = LOWER
    return out


def interval_kind(indicator: dict) -> str:
    """``"wilson"`` for a share (method ratio, unit "%"), ``"poisson"`` for a rate of events (method
    ratio, unit per 1.000 / 10.000 / 100.000), ``""`` for anything else (no interval)."""
    if indicator.get("method") != "ratio":
        return ""
    if indicator.get("unit") == "%":
        return WILSON
    return POISSON if indicator.get("unit") in RATE_UNITS else ""


def interval(indicator: dict, count, denominator, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The interval the catalogue entry ``indicator`` calls for (``interval_kind``), on the
    indicator's scale (its ``scale``, default 100 for shares); NaN limits where it calls for none."""
    kind = interval_kind(indicator)
    if kind == WILSON:
        return wilson(count, denominator, indicator.get("scale", 100), level)
    if kind == POISSON:
        return poisson_exact(count, denominator, indicator.get("scale", RATE_UNITS[indicator["unit"]]), level)
    shape = np.broadcast(np.asarray(count, dtype=float), np.asarray(denominator, dtype=float)).shape
    return np.full(shape, np.nan), np.full(shape, np.nan)


# --- the intervals of an indicator table ------------------------------------------------------------
#: The areas below the Kreis whose rates get an interval.
SMALL_AREA_LEVELS = ("gemeinde", "sozialraum", "gemeindeverband")
INTERVAL_COLUMNS = ["indicator_id", "area_id", "period", "lower", "upper", "flag"]
_KEYS = ["indicator_id", "area_id", "period"]


def table_intervals(
    table: pd.DataFrame,
    counts: pd.DataFrame,
    catalogue: list[dict],
    reference_area: str,
    denominator_of: Callable[[dict], pd.DataFrame] | None = None,
    level: float = LEVEL,
) -> pd.DataFrame:
    """The interval and the flag against the reference area (the Kreis) of every small-area rate
    of an indicator table (columns ``INTERVAL_COLUMNS``, in the table's order).

    ``table``: the published indicator table (indicator_id, area_id, area_level, period, value;
    suppressed values are NaN); ``counts``: its rows before disclosure control with ``numerator``,
    the count a rate is built on (``indicators.compute``); ``catalogue``: the indicator entries.

    Rows: the rates of areas of ``SMALL_AREA_LEVELS`` whose catalogue entry calls for an interval
    (``interval_kind``) and that have a published value and a count – a suppressed value (``.``,
    ``/``) gets none. The denominator follows from the rate: count × scale / value (the catalogue's
    ``scale``, as ``indicators`` applied it); a rate of 0 does not give it back, so for a count
    of 0 it is taken from ``denominator_of(entry)`` (area_id, year, value: the entry's
    denominator per area and year), without it such a row gets no interval. The flag compares
    the interval with the reference area's value of the same indicator and period."""
    entries = {ind["id"]: ind for ind in catalogue if interval_kind(ind)}
    rows = table[table["area_level"].isin(SMALL_AREA_LEVELS) & table["indicator_id"].isin(entries) & table["value"].notna()]
    rows = rows[_KEYS + ["value"]].merge(counts[_KEYS + ["numerator"]].drop_duplicates(_KEYS), on=_KEYS, how="left")
    reference = table[table["area_id"] == reference_area].set_index(["indicator_id", "period"])["value"]
    parts = []
    for ind_id, part in rows.groupby("indicator_id", sort=False):
        entry = entries[ind_id]
        count, value = part["numerator"].to_numpy(float), part["value"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            denominator = np.round(np.where(value != 0, count * entry.get("scale", 1) / value, np.nan), 6)
        zero = (count == 0) & (value == 0)
        if zero.any() and denominator_of is not None:
            den = denominator_of(entry)
            by_year = dict(zip(zip(den["area_id"], den["year"].astype(str)), den["value"]))
            years = part["period"].astype(str).str[:4]
            found = np.array([by_year.get(k, np.nan) for k in zip(part["area_id"], years)], dtype=float)
            denominator = np.where(zero, found, denominator)
        lower, upper = interval(entry, count, denominator, level)
        ref = reference.reindex(pd.MultiIndex.from_arrays([part["indicator_id"], part["period"]])).to_numpy(float)
        parts.append(part[_KEYS].assign(lower=lower, upper=upper, flag=flag(lower, upper, ref)))
    if not parts:
        return pd.DataFrame(columns=INTERVAL_COLUMNS)
    out = pd.concat(parts, ignore_index=True).dropna(subset=["lower", "upper"])
    order = {k: i for i, k in enumerate(zip(table["indicator_id"], table["area_id"], table["period"]))}
    out = out.assign(_o=[order[k] for k in zip(out["indicator_id"], out["area_id"], out["period"])])
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)[INTERVAL_COLUMNS]
