"""Composite social index after the Berlin *Monitoring Soziale Stadtentwicklung* (MSS).

Four status indicators (disadvantage: higher is worse) and their change over two years as
dynamics. For the areas with at least ``min_population`` inhabitants each indicator is
z-standardised (population standard deviation), the z-values are summed per index and the sums
standardised again; the index values are classified by standard-deviation thresholds and the two
classes overlaid into 12 groups. Thresholds come from the configuration (``social_index``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STATUS_CLASSES = ["hoch", "mittel", "niedrig", "sehr niedrig"]
DYNAMIC_CLASSES = ["positiv", "stabil", "negativ"]


def zscores(values: pd.Series) -> pd.Series:
    """(x − mean) / standard deviation (ddof 0); all zero when the values do not vary."""
    sd = values.std(ddof=0)
    if not sd or np.isnan(sd):
        return values * 0.0
    return (values - values.mean()) / sd


def classify(value: float, bounds: list[float], labels: list[str]) -> str:
    """``labels[i]`` for the first bound the value does not exceed; the last label above all bounds."""
    for bound, label in zip(bounds, labels):
        if value <= bound:
            return label
    return labels[-1]


def social_index(
    status: pd.DataFrame,
    dynamics: pd.DataFrame,
    population: pd.Series,
    min_population: int,
    status_bounds: list[float],
    dynamic_bounds: list[float],
    weights: pd.Series | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Compute the index. ``status``/``dynamics``: one row per area (index area_id), one column per
    indicator; ``population``: inhabitants per area. Returns one row per valid area with the
    z-values, both index values, both classes and the group (1–12), plus the excluded areas.

    Status classes by the standardised status index s: hoch (s ≤ b0), mittel (≤ b1), niedrig (≤ b2),
    sehr niedrig (above). Dynamics by d: positiv (d ≤ c0: disadvantage falls faster than elsewhere),
    stabil (≤ c1), negativ (above). Group = 3 × status class + dynamics class + 1.

    ``weights`` (indicator → weight; the participants' consensus, compute/robustness.py) weight
    the z-values of status and dynamics before they are summed; without, each counts once.
    """
    valid = population[population >= min_population].index
    excluded = sorted(set(status.index) - set(valid))
    s = status.loc[status.index.intersection(valid)].dropna()
    d = dynamics.loc[dynamics.index.intersection(s.index)].dropna()
    s = s.loc[d.index]
    zs = s.apply(zscores)
    zd = d.apply(zscores)
    out = pd.DataFrame(index=s.index)
    for col in s.columns:
        out[f"z_{col}"] = zs[col]
    for col in d.columns:
        out[f"z_dyn_{col}"] = zd[col]
    if weights is None:
        out["status_index"] = zscores(zs.sum(axis=1))
        out["dynamik_index"] = zscores(zd.sum(axis=1))
    else:
        out["status_index"] = zscores(zs.mul(weights.reindex(zs.columns).fillna(0.0)).sum(axis=1))
        out["dynamik_index"] = zscores(zd.mul(weights.reindex(zd.columns).fillna(0.0)).sum(axis=1))
    out["status"] = out["status_index"].map(lambda v: classify(v, status_bounds, STATUS_CLASSES))
    out["dynamik"] = out["dynamik_index"].map(lambda v: classify(v, dynamic_bounds, DYNAMIC_CLASSES))
    out["gruppe"] = [STATUS_CLASSES.index(a) * 3 + DYNAMIC_CLASSES.index(b) + 1 for a, b in zip(out["status"], out["dynamik"])]
    return out.sort_index(), excluded
