"""Comparable Kreise (Vergleichskreise): for every Kreis the k most similar other Kreise by
standardised structural indicators, a district's own group, the comparison table and the
symmetry of the groups.

Why these indicators. A Kreistag's first question is "how do we stand against Kreise like us?";
"like us" means the conditions the Kreis cannot change quickly and which shape its social
planning. The anchors group Kreise by such conditions: Bertelsmann's Wegweiser Kommune forms its
demographic types from settlement density, age structure, population change and the economic
situation; BBSR's INKAR Kreistypen ("siedlungsstrukturelle Kreistypen") from population density
and the share living in larger towns; the English Fingertips tools (CIPFA nearest neighbours)
from many structural variables with a Euclidean distance over standardised values. From the
national data every Kreis has, we take five dimensions, each counting equally:

===========================  ===============================================  ===============
dimension                    indicator (catalogue id)                         transform
===========================  ===============================================  ===============
settlement density           ``bevoelkerungsdichte``: inhabitants per km²     log
                             (GV-ISys, population and area of the Kreis's
                             Gemeinden in the newest directory up to the year)
age structure                ``jugendquotient``, ``altenquotient``            –
population change            ``bevoelkerung_veraenderung`` (since base year)  –
labour market                ``arbeitslosenquote``,                           –
                             ``anteil_langzeitarbeitslose``
care                         ``pflegequote`` (Pflegebedürftige je 1.000 EW)   –
===========================  ===============================================  ===============

Density is taken in logarithms: it spans three orders of magnitude (40 to 4.700 EW/km²) and a
difference between 60 and 120 EW/km² matters as much for planning as one between 1.500 and
3.000. Within a dimension of two indicators each has half the dimension's weight. The shares of
the population 65+ and 75+ are left out (they are almost the Altenquotient again); the counts
(population, unemployed, people in need of care) are left out because size is not structure.

Each indicator is taken at its newest period up to the report year (the Pflegestatistik is
biennial) and standardised robustly: z = (x − median) / (1.4826 · MAD), the median absolute
deviation scaled to the standard deviation of a normal distribution (the standard deviation
where the MAD is 0), so that a few extreme Kreise (Berlin, Munich, the Ruhr cities) do not set
the scale for all others.

Distance: the weighted Euclidean distance of the z-values. Missing values are not imputed: a
pair is compared over the indicators both Kreise have, and the sum of squares is scaled up to
the full weight (as Gower's coefficient and scikit-learn's ``nan_euclidean_distances`` do). A
pair sharing less than ``MIN_SHARED_WEIGHT`` of the weight is not compared at all, so a Kreis
with many gaps gets a shorter group (or none) rather than a group chosen by one indicator.

Groups are deterministic: candidates are ordered by their distance (rounded to 1e-9, so that
the order does not depend on the last bits of a floating-point sum) and ties are broken by the
Kreisschlüssel. Nearest-neighbour groups are not symmetric (B can be among A's ten nearest
without A being among B's); ``symmetry`` measures how often they are, and the test asserts a
floor (``SYMMETRY_FLOOR``) on the real data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sozialbericht.core.errors import InputError

#: (indicator id, dimension, transform) of the structural indicators (see the module docstring).
STRUCTURE: tuple[tuple[str, str, str], ...] = (
    ("bevoelkerungsdichte", "Siedlungsdichte", "log"),
    ("jugendquotient", "Altersstruktur", ""),
    ("altenquotient", "Altersstruktur", ""),
    ("bevoelkerung_veraenderung", "Bevölkerungsentwicklung", ""),
    ("arbeitslosenquote", "Arbeitsmarkt", ""),
    ("anteil_langzeitarbeitslose", "Arbeitsmarkt", ""),
    ("pflegequote", "Pflege", ""),
)
DENSITY = "bevoelkerungsdichte"
DEFAULT_K = 10
#: A pair of Kreise is compared only over at least this share of the total weight.
MIN_SHARED_WEIGHT = 0.5
#: Lowest acceptable share of mutual memberships on the real data (measured 2020: see the test).
SYMMETRY_FLOOR = 0.6
#: Scale of the MAD to the standard deviation of a normal distribution.
MAD_SCALE = 1.4826
ABOVE, BELOW, INSIDE = "oberhalb", "unterhalb", "innerhalb"


# --- the structural indicators --------------------------------------------------------------------
def _year(period: pd.Series) -> pd.Series:
    return period.astype(str).str[:4].astype(int)


def kreise_of_year(table: pd.DataFrame, year: int) -> list[str]:
    """The Kreise with any value in the report year itself (a Kreis dissolved in a reform, with
    values of earlier years only, is not one of them), sorted."""
    rows = table[(table["area_level"] == "kreis") & (_year(table["period"]) == year) & table["value"].notna()]
    return sorted(rows["area_id"].unique())


def latest_values(table: pd.DataFrame, indicator_ids: Iterable[str], year: int) -> pd.DataFrame:
    """Kreis × indicator: each indicator's value at its newest period up to ``year``.

    ``table``: the national indicator table in long format (indicator_id, area_id, area_level,
    period, value, …); only rows with ``area_level == "kreis"`` are used. Rows: the Kreise of the
    report year (``kreise_of_year``); a Kreis without a value of an indicator up to ``year`` has
    NaN there."""
    ids = list(indicator_ids)
    rows = table[(table["area_level"] == "kreis") & table["indicator_id"].isin(ids)]
    rows = rows[_year(rows["period"]) <= year].dropna(subset=["value"])
    newest = rows.sort_values("period").drop_duplicates(["indicator_id", "area_id"], keep="last")
    wide = newest.pivot(index="area_id", columns="indicator_id", values="value")
    return wide.reindex(index=kreise_of_year(table, year), columns=ids).astype(float).rename_axis(index="area_id", columns=None)


def kreis_density(directory: pd.DataFrame, year: int) -> pd.Series:
    """Inhabitants per km² of every Kreis: population and area of its Gemeinden summed, from the
    newest GV-ISys directory up to ``year`` (the staged ``gemeindeverzeichnis``: area_level,
    area_id as 12-digit ARS, period, variable ``bevoelkerung`` / ``flaeche_km2``, value)."""
    gem = directory[(directory["area_level"] == "gemeinde") & directory["variable"].isin(["bevoelkerung", "flaeche_km2"])]
    gem = gem[_year(gem["period"]) <= year]
    if gem.empty:
        return pd.Series(dtype=float, name=DENSITY)
    gem = gem[gem["period"] == gem["period"].max()]
    sums = gem.assign(kreis=gem["area_id"].str[:5]).pivot_table(index="kreis", columns="variable", values="value", aggfunc="sum")
    density = sums["bevoelkerung"] / sums["flaeche_km2"].where(sums["flaeche_km2"] > 0)
    return density.rename(DENSITY).rename_axis("area_id")


def structure(table: pd.DataFrame, directory: pd.DataFrame, year: int, spec=STRUCTURE) -> pd.DataFrame:
    """Kreis × structural indicator (raw values, before transform and standardisation) for the
    Kreise of the indicator table; the density from the GV-ISys directory."""
    ids = [i for i, _, _ in spec]
    values = latest_values(table, [i for i in ids if i != DENSITY], year)
    if DENSITY in ids:
        values[DENSITY] = kreis_density(directory, year).reindex(values.index)
    return values[ids]


# --- standardisation and distance -------------------------------------------------------------------
def robust_z(values: pd.DataFrame, spec=STRUCTURE) -> pd.DataFrame:
    """Transformed (log where the spec says so) and robustly standardised values: (x − median) /
    (1.4826 · MAD), with the standard deviation where the MAD is 0. NaN stays NaN."""
    transforms = {i: t for i, _, t in spec}
    out = values.copy()
    for col in out.columns:
        if transforms.get(col) == "log":
            out[col] = np.log(out[col].where(out[col] > 0))
    median = out.median()
    spread = (out - median).abs().median() * MAD_SCALE
    spread = spread.where(spread > 0, out.std())
    return (out - median) / spread.where(spread > 0)


def weights(spec=STRUCTURE) -> pd.Series:
    """Weight of each indicator: every dimension counts 1, shared equally by its indicators."""
    dims = pd.Series({i: d for i, d, _ in spec})
    return dims.map(1 / dims.value_counts()).astype(float)


def distances(z: pd.DataFrame, weight: pd.Series, min_shared: float = MIN_SHARED_WEIGHT) -> np.ndarray:
    """Pairwise weighted Euclidean distances (n × n) over the indicators both Kreise have, scaled
    to the full weight; NaN where a pair shares less than ``min_shared`` of the weight."""
    w = weight.reindex(z.columns).to_numpy(float)
    x = z.to_numpy(float)
    have = ~np.isnan(x)
    filled = np.where(have, x, 0.0)
    both = have.astype(float)
    # Σ_i w_i (x_ai − x_bi)² over shared i, expanded: a² + b² − 2ab, each masked by the other's presence
    sq = (filled**2 * w) @ both.T + both @ (filled**2 * w).T - 2 * (filled * w) @ filled.T
    shared = (both * w) @ both.T
    total = w.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt(np.clip(sq, 0, None) * total / shared)
    dist[shared < min_shared * total - 1e-12] = np.nan
    return dist


def nearest(dist: np.ndarray, keys: Sequence[str], k: int = DEFAULT_K) -> dict[str, list[tuple[str, float]]]:
    """Every key → its ``k`` nearest other keys with their distances, ordered by distance, ties
    broken by key; pairs without a distance (NaN) are left out."""
    keys = list(keys)
    order_key = np.argsort(np.argsort(np.array(keys)))  # position of each key in sorted order
    out = {}
    for i, key in enumerate(keys):
        d = np.round(dist[i], 9)
        candidates = np.flatnonzero(~np.isnan(d) & (np.arange(len(keys)) != i))
        ranked = candidates[np.lexsort((order_key[candidates], d[candidates]))][:k]
        out[key] = [(keys[j], float(dist[i, j])) for j in ranked]
    return out


def peer_groups(table: pd.DataFrame, directory: pd.DataFrame, year: int, k: int = DEFAULT_K, spec=STRUCTURE) -> pd.DataFrame:
    """The comparison group of every Kreis of the indicator table: rows area_id, rank (1 = most
    similar), peer_id, distance (in standard-deviation units of the weighted z-values)."""
    z = robust_z(structure(table, directory, year, spec), spec)
    groups = nearest(distances(z, weights(spec)), list(z.index), k)
    rows = [
        {"area_id": a, "rank": r, "peer_id": p, "distance": d} for a, peers in groups.items() for r, (p, d) in enumerate(peers, 1)
    ]
    return pd.DataFrame(rows, columns=["area_id", "rank", "peer_id", "distance"])


def as_mapping(groups: pd.DataFrame) -> dict[str, list[str]]:
    """The groups of ``peer_groups`` as Kreis → list of peers in rank order."""
    ordered = groups.sort_values(["area_id", "rank"])
    return {a: list(g["peer_id"]) for a, g in ordered.groupby("area_id", sort=True)}


# --- a district's own group --------------------------------------------------------------------------
def own_group(kreis: str, members: Sequence[str], known: Iterable[str], source: str = "Konfiguration") -> list[str]:
    """A comparison group named by the district (``vergleichskreise`` in its configuration),
    checked: a non-empty list of known Kreisschlüssel, each once, not the Kreis itself. Returns
    the list as given (as strings); raises ``InputError`` with a German message otherwise."""
    where = f"Kreis {kreis}, Schlüssel 'vergleichskreise'"
    members = [str(m).strip() for m in (members or [])]
    if not members:
        raise InputError(
            source, "die Liste der Vergleichskreise ist leer", where=where, hint="mindestens einen Kreisschlüssel angeben"
        )
    if kreis in members:
        raise InputError(
            source,
            "der Kreis steht in seiner eigenen Vergleichsgruppe",
            where=where,
            found=kreis,
            hint=f"{kreis} aus der Liste entfernen",
        )
    doubled = sorted({m for m in members if members.count(m) > 1})
    if doubled:
        raise InputError(
            source, "Vergleichskreise doppelt genannt", where=where, found=doubled, hint="jeden Kreis nur einmal nennen"
        )
    unknown = [m for m in members if m not in set(known)]
    if unknown:
        raise InputError(
            source,
            "unbekannte Kreisschlüssel in den Vergleichskreisen",
            where=where,
            found=unknown,
            expected="fünfstellige Kreisschlüssel von Kreisen des Berichtsjahres (z. B. 15085)",
            hint='die Schlüssel im Gemeindeverzeichnis (GV-ISys) nachsehen und in Anführungszeichen schreiben ("01001")',
        )
    return members


# --- the comparison table ----------------------------------------------------------------------------
def _position(value: float, p25: float, p75: float) -> str:
    if np.isnan(value) or np.isnan(p25) or np.isnan(p75):
        return ""
    return ABOVE if value > p75 else BELOW if value < p25 else INSIDE


def comparison_table(
    table: pd.DataFrame, kreis: str, group: Sequence[str], indicator_ids: Sequence[str], year: int
) -> pd.DataFrame:
    """The Kreis against its comparison group, one row per indicator (in the given order).

    Columns: indicator_id; value (the Kreis's value at the indicator's newest period up to
    ``year``, from the same table); median, p25, p75 of the group's values (the group without the
    Kreis itself; linear interpolation between order statistics, pandas' default); n (group
    members with a value); rank of the Kreis among itself and the group members with a value,
    **1 = the highest value** (ties share the better rank), of n + 1; position: ``oberhalb`` /
    ``unterhalb`` the interquartile range (value > P75 / value < P25), ``innerhalb`` otherwise,
    empty where the Kreis or the group have no value. Rank and position say nothing about
    better or worse: that is the indicator's ``direction`` in the catalogue."""
    return compare(latest_values(table, indicator_ids, year), kreis, group, indicator_ids)


def compare(values: pd.DataFrame, kreis: str, group: Sequence[str], indicator_ids: Sequence[str]) -> pd.DataFrame:
    """``comparison_table`` from the values of ``latest_values`` (Kreis × indicator), so that the
    tables of many Kreise share one ``latest_values``."""
    peers = values.reindex(index=list(group), columns=list(indicator_ids)).to_numpy(float)
    own = values.reindex(index=[kreis], columns=list(indicator_ids)).to_numpy(float)[0]
    columns: dict[str, list] = {c: [] for c in ("value", "median", "p25", "p75", "n", "rank", "position")}
    for j in range(len(indicator_ids)):
        v, others = float(own[j]), peers[:, j][~np.isnan(peers[:, j])]
        # numpy's default (linear) quantiles are pandas' default
        p25, med, p75 = (float(x) for x in np.quantile(others, (0.25, 0.5, 0.75))) if len(others) else (np.nan,) * 3
        for name, x in zip(columns, (v, med, p25, p75, len(others))):
            columns[name].append(x)
        columns["rank"].append(int((others > v).sum()) + 1 if not np.isnan(v) else None)
        columns["position"].append(_position(v, p25, p75))
    return pd.DataFrame(
        {"indicator_id": list(indicator_ids), **columns, "rank": pd.array(columns["rank"], dtype="Int64")},
        columns=["indicator_id", *columns],
    )


def outside_iqr(comparison: pd.DataFrame) -> dict[str, list[str]]:
    """The indicators of a comparison table above and below the group's interquartile range:
    ``{"oberhalb": [...], "unterhalb": [...]}`` in table order."""
    return {side: list(comparison.loc[comparison["position"] == side, "indicator_id"]) for side in (ABOVE, BELOW)}


# --- how believable the groups are --------------------------------------------------------------------
def symmetry(groups: dict[str, Sequence[str]]) -> float:
    """Share of memberships that are mutual: of all pairs (A, B) with B in A's group, the share
    with A also in B's group (1.0: every membership is mutual; NaN without any membership)."""
    member = {a: set(g) for a, g in groups.items()}
    pairs = [(a, b) for a, g in member.items() for b in g]
    if not pairs:
        return float("nan")
    return sum(a in member.get(b, ()) for a, b in pairs) / len(pairs)
