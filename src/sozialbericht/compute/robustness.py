"""Weights of the social index and how robust its classes are.

The status index of the social index (``social_index``) adds standardised disadvantage
indicators. Which indicators and with which weights is a choice; this module makes the choice
explicit and tests it, following the steps of the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008), steps 6 (weighting and aggregation) and 7 (uncertainty and sensitivity
analysis), as the COINr package implements them:

- ``consensus``: the weights the participants agreed on — the median of their allocations per
  indicator, normalised to sum 1 (config ``sozialindex.gewichtung.regel``);
- ``effective_weights``: what each indicator really contributes after standardisation — the
  squared Pearson correlation of the indicator with the index, normalised (the first-order
  effect under linearity; Paruolo, Saisana & Saltelli 2013, *Ratings and rankings: voodoo or
  science?*, J. R. Stat. Soc. A 176);
- ``uncertainty``: a seeded Monte Carlo analysis over the three uncertain choices — the weights
  (one participant's allocation per draw, or ± ``noise`` around the reference weights without
  participants), the standardisation (z-scores, ranks, min–max) and the set of indicators (all,
  or one left out) — giving every area its median rank, its 5–95 % rank interval and the share of
  draws in which it keeps its class.

Ranks: 1 is the area with the highest index (the most disadvantage). Classes are the status
classes of ``social_index`` by the configured bounds in standard deviations of the index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.compute.social_index import STATUS_CLASSES, classify, zscores

STANDARDISATIONS = ("z", "rang", "minmax")


def standardise(frame: pd.DataFrame, method: str) -> pd.DataFrame:
    """Each column standardised: ``z`` (z-scores, ddof 0), ``rang`` (average ranks 1…n, the lowest
    value 1) or ``minmax`` ((x − min) / (max − min)); a column without variation becomes 0."""
    if method == "z":
        return frame.apply(zscores)
    if method == "rang":
        return frame.rank(method="average")
    if method == "minmax":
        span = frame.max() - frame.min()
        return ((frame - frame.min()) / span.where(span > 0)).fillna(0.0)
    raise ValueError(f"unknown standardisation {method!r}; one of {STANDARDISATIONS}")


def normalise(weights: pd.Series) -> pd.Series:
    """Weights summing to 1 (all equal if they sum to 0)."""
    total = weights.sum()
    return weights / total if total > 0 else pd.Series(1.0 / len(weights), index=weights.index)


def composite(standardised: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """The index: the weighted sum of the standardised indicators, standardised again (z)."""
    return zscores(standardised[weights.index].mul(normalise(weights)).sum(axis=1))


def ranks(index: pd.Series) -> pd.Series:
    """1 for the highest index value (ties share the better rank)."""
    return index.rank(ascending=False, method="min").astype(int)


def status_classes(index: pd.Series, bounds: list[float]) -> pd.Series:
    return index.map(lambda v: classify(v, bounds, STATUS_CLASSES))


def consensus(allocations: pd.DataFrame, rule: str = "median") -> pd.Series:
    """The consensus weights of the participants (rows: participant, columns: indicator, points
    summing to 100): the median (or mean) of each indicator's points, normalised to sum 1."""
    if allocations.empty:
        raise ValueError("no allocations")
    if rule == "median":
        points = allocations.median()
    elif rule == "mittelwert":
        points = allocations.mean()
    else:
        raise ValueError(f"unknown consensus rule {rule!r}")
    return normalise(points.astype(float))


def effective_weights(standardised: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Squared correlation of each indicator with the index, normalised to sum 1 (NaN-free: an
    indicator without variation contributes 0)."""
    index = composite(standardised, weights)
    corr = standardised[weights.index].apply(lambda col: col.corr(index) if col.std(ddof=0) > 0 else 0.0)
    return normalise(corr.fillna(0.0) ** 2)


def scenarios(
    indicators: list[str],
    reference: pd.Series,
    allocations: pd.DataFrame | None,
    draws: int,
    seed: int,
    noise: float = 0.25,
) -> list[tuple[pd.Series, str, str | None]]:
    """``draws`` combinations of (weights, standardisation, left-out indicator or None), each
    choice uniform over its options; the weights are a participant's allocation (uniform over the
    participants) or, without participants, the reference weights times U(1 − noise, 1 + noise)."""
    rng = np.random.default_rng(seed)
    leave = [None, *indicators]
    out = []
    for _ in range(draws):
        if allocations is not None and len(allocations):
            w = allocations.iloc[int(rng.integers(len(allocations)))][indicators].astype(float)
        else:
            w = reference[indicators] * rng.uniform(1 - noise, 1 + noise, len(indicators))
        method = STANDARDISATIONS[int(rng.integers(len(STANDARDISATIONS)))]
        left_out = leave[int(rng.integers(len(leave)))]
        if left_out is not None:
            w = w.copy()
            w[left_out] = 0.0
        out.append((normalise(w), method, left_out))
    return out


def uncertainty(
    status: pd.DataFrame,
    bounds: list[float],
    reference: pd.Series,
    allocations: pd.DataFrame | None = None,
    draws: int = 1000,
    seed: int = 1,
    noise: float = 0.25,
    unsure_share: float = 0.2,
) -> pd.DataFrame:
    """Per area (rows of ``status``): the reference index, rank and class (z-scores, ``reference``
    weights, every indicator), the median rank and the 5 % and 95 % rank quantiles over the
    draws, the share of draws in which the area keeps its reference class, and ``unsicher``
    (it changes class in more than ``unsure_share`` of the draws)."""
    indicators = list(reference.index)
    data = status[indicators]
    ref_index = composite(standardise(data, "z"), reference)
    ref_class = status_classes(ref_index, bounds)
    rank_draws = np.empty((draws, len(data)), dtype=int)
    same = np.zeros(len(data))
    for i, (w, method, _) in enumerate(scenarios(indicators, reference, allocations, draws, seed, noise)):
        index = composite(standardise(data, method), w)
        rank_draws[i] = ranks(index).to_numpy()
        same += (status_classes(index, bounds) == ref_class).to_numpy()
    share = same / draws
    return pd.DataFrame(
        {
            "index": ref_index,
            "rang": ranks(ref_index),
            "klasse": ref_class,
            "rang_median": np.median(rank_draws, axis=0),
            "rang_p05": np.quantile(rank_draws, 0.05, axis=0, method="inverted_cdf"),
            "rang_p95": np.quantile(rank_draws, 0.95, axis=0, method="inverted_cdf"),
            "anteil_klasse_gehalten": share,
            "unsicher": share < 1 - unsure_share,
        },
        index=data.index,
    )


def class_changes(status: pd.DataFrame, bounds: list[float], a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Index, rank and class of every area under two sets of weights (z-scores), with the Spearman
    rank correlation of the two indices in ``attrs['spearman']``; ``wechsel``: the class differs."""
    z = standardise(status[list(a.index)], "z")
    ia, ib = composite(z, a), composite(z, b)
    out = pd.DataFrame(
        {
            "index_a": ia,
            "rang_a": ranks(ia),
            "klasse_a": status_classes(ia, bounds),
            "index_b": ib,
            "rang_b": ranks(ib),
            "klasse_b": status_classes(ib, bounds),
        }
    )
    out["wechsel"] = out["klasse_a"] != out["klasse_b"]
    out.attrs["spearman"] = float(ia.rank().corr(ib.rank())) if len(out) > 1 else float("nan")
    return out
