"""What the population projection means for Kitas, schools and care.

**Children by age band** (``children``): Krippe (0 to under 3), Kita (3 to under 6) and
Grundschule (6 to under 10 years) per projection year and migration variant, summed from a
projected population by single years of age or by age groups. Where a band does not match the
groups of the input, a group is split proportionally to the years it shares with the band (a
group "0 bis unter 5" gives 3/5 of its count to the Krippe); the planning groups of the
projection (``projection.PLANNING_GROUPS``) match the bands exactly, so nothing is split there.

**Expected people in need of care** (``care_projection``): the age- and sex-specific care rates
(Pflegequoten) of the Pflegestatistik for Germany (``config/pflegequoten.yaml``, with their
source) applied to the projected age structure, and calibrated so that the base year equals the
Kreis's own count (dataset ``pflege``, variable ``pflegebeduerftige`` of table 22411-02-03-4):

    expected(year) = f × Σ_bands rate_band × population_band(year),
    f = count(base year) / Σ_bands rate_band × population_band(base year)

The factor f carries what makes the Kreis differ from Germany at the same age structure (health,
household structure, how often care is applied for) and is held constant, as are the rates
(status-quo assumption of the Destatis Pflegevorausberechnung): the projection shows the effect
of the changing age structure alone. With the count by sex, f is computed per sex. The base
population is the Kreis's population at the count's reference date (the Pflegestatistik is
biennial: the newest count may be a year older than the projection's base year). The three
migration variants of the projection give the range.

Rates and populations meet on single years of age: the rate bands (5-year groups, 90+) are
spread over single years, and the population is best given by single years too (the
projection's own representation, ``single_year_frame``). Population groups wider than a year are
split proportionally to the years they share with a rate band (an open group up to age 100) –
a coarse approximation for wide old-age groups (an "80 and older" group would give age 95 as
many people as age 80), so pass single years wherever the projection has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute.projection import PLANNING_GROUPS, SEXES
from sozialbericht.core.errors import InputError

#: Age bands of child care and primary school (from, to exclusive), named like the projection's groups.
CHILD_BANDS = {
    "0 bis 2 Jahre (Krippe)": (0, 3),
    "3 bis 5 Jahre (Kita)": (3, 6),
    "6 bis 9 Jahre (Grundschule)": (6, 10),
}
#: The middle migration variant of the projection (the value a table prints; the others give the range).
MIDDLE = "mittel"
#: Years for which the expected number of people in need of care is reported.
CARE_YEARS = (2025, 2030, 2035)
#: The upper bound (exclusive) of an open age group: the projection's last age is 100.
OPEN_UNTIL = 101
TOTAL = "insgesamt"
_SEX_KEYS = {"insgesamt": TOTAL, "maennlich": SEXES[0], "weiblich": SEXES[1]}
AGE_COLUMNS = ("age_from", "age_to", "value")


# --- populations in a common shape ------------------------------------------------------------------
def single_year_frame(result: np.ndarray, first_year: int, **keys) -> pd.DataFrame:
    """A projection result (years × 2 × 101: year, sex, single age 0…100; ``projection.project``)
    as a long frame: year, sex, age_from, age_to (age 100 open: NaN), value, plus constant
    ``keys`` columns (e.g. ``variant="mittel"``, ``area_id="15085"``)."""
    result = np.asarray(result, dtype=float)
    if result.ndim == 2:  # one population (2 × 101)
        result = result[None]
    n_years, n_sexes, n_ages = result.shape
    ages = np.arange(n_ages, dtype=float)
    frame = pd.DataFrame(
        {
            "year": np.repeat(np.arange(first_year, first_year + n_years), n_sexes * n_ages),
            "sex": np.tile(np.repeat(np.array(SEXES[:n_sexes], dtype=object), n_ages), n_years),
            "age_from": np.tile(ages, n_years * n_sexes),
            "age_to": np.tile(np.where(ages == n_ages - 1, np.nan, ages + 1), n_years * n_sexes),
            "value": result.reshape(-1),
        }
    )
    return frame.assign(**keys)[[*keys, *frame.columns]]


def planning_frame(prognose: pd.DataFrame) -> pd.DataFrame:
    """The projection table as published (``prognose.csv``: area_id, variant, year, group, value)
    with the age bounds of its planning groups; the derived groups ("65 Jahre und älter",
    "insgesamt") are left out (they overlap the others)."""
    rows = prognose[prognose["group"].isin(PLANNING_GROUPS)].copy()
    bounds = rows["group"].map(PLANNING_GROUPS)
    rows["age_from"] = bounds.str[0].astype(float)
    rows["age_to"] = bounds.str[1].astype(float)
    return rows.drop(columns="group")


def _keys(population: pd.DataFrame) -> list[str]:
    return [c for c in population.columns if c not in AGE_COLUMNS]


def _sum_by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``value`` summed by ``keys`` in order of appearance (one row without keys)."""
    if not keys:
        return pd.DataFrame({"value": [float(frame["value"].sum())]})
    return frame.groupby(keys, as_index=False, sort=False, dropna=False)["value"].sum()


def band_population(population: pd.DataFrame, bands: Mapping[str, tuple[float, float | None]]) -> pd.DataFrame:
    """The population of each band (from, to exclusive; to None/NaN: open), summed over the
    input's age groups, each split proportionally to the years it shares with the band (an open
    group ends at ``OPEN_UNTIL``). Returns the input's other columns, ``band`` and ``value``."""
    keys = _keys(population)
    lo = population["age_from"].to_numpy(float)
    hi = population["age_to"].fillna(OPEN_UNTIL).to_numpy(float)
    width = np.maximum(hi - lo, 1e-12)
    parts = []
    for name, (b_lo, b_hi) in bands.items():
        b_hi = OPEN_UNTIL if b_hi is None or (isinstance(b_hi, float) and np.isnan(b_hi)) else b_hi
        share = np.clip(np.minimum(hi, b_hi) - np.maximum(lo, b_lo), 0, None) / width
        parts.append(population[keys].assign(band=name, value=population["value"].to_numpy(float) * share))
    return _sum_by(pd.concat(parts, ignore_index=True), [*keys, "band"])


def children(population: pd.DataFrame, bands: Mapping[str, tuple[int, int]] = CHILD_BANDS) -> pd.DataFrame:
    """Children per band (Krippe, Kita, Grundschule) for every combination of the input's other
    columns (e.g. area_id, variant, year; a ``sex`` column is summed over)."""
    out = band_population(population.drop(columns="sex", errors="ignore"), bands)
    out["band"] = pd.Categorical(out["band"], categories=list(bands), ordered=True)
    return out.sort_values([*[k for k in _keys(out) if k != "band"], "band"], kind="stable").reset_index(drop=True)


# --- care rates ----------------------------------------------------------------------------------------
@dataclass
class CareRates:
    """Age- (and sex-) specific care rates: ``table`` with columns age_from, age_to (NaN: open),
    sex ("insgesamt", "männlich", "weiblich"), rate (a share, 0…1) and checked (the band's
    ``geprueft``: compared with the published table); ``source``: the file's ``quelle``
    (statistic, table, year, citation)."""

    table: pd.DataFrame
    source: dict = field(default_factory=dict)

    def bands(self, sex: str) -> tuple[dict[str, tuple[int, float | None]], dict[str, float]]:
        """(band name → bounds, band name → rate) for one sex (or "insgesamt")."""
        rows = self.table[self.table["sex"] == sex]
        names = [f"{int(a)}-{'' if np.isnan(b) else int(b)}" for a, b in zip(rows["age_from"], rows["age_to"])]
        bounds = {n: (a, None if np.isnan(b) else b) for n, a, b in zip(names, rows["age_from"], rows["age_to"])}
        return bounds, dict(zip(names, rows["rate"]))


def care_rates(config: dict, source: str = "config/pflegequoten.yaml") -> CareRates:
    """The rates of a parsed ``config/pflegequoten.yaml`` (per 100 → shares), checked: bands from
    0 without gaps or overlaps, the last one open (``InputError`` in German otherwise)."""
    bands = sorted(config["quoten"], key=lambda b: b["von"])
    hint = "die Altersgruppen lückenlos von 0 bis zur offenen letzten Gruppe (bis: null) angeben"
    for prev, nxt in zip(bands, bands[1:]):
        if prev["bis"] != nxt["von"]:
            where = f"Altersgruppe {prev['von']} bis {prev['bis']}, dann ab {nxt['von']}"
            raise InputError(source, "die Altersgruppen der Pflegequoten schließen nicht aneinander an", where=where, hint=hint)
    if bands[0]["von"] != 0 or bands[-1]["bis"] is not None:
        raise InputError(
            source, "die Pflegequoten beginnen nicht bei 0 Jahren oder enden nicht mit einer offenen Gruppe", hint=hint
        )
    rows = [
        {
            "age_from": float(b["von"]),
            "age_to": np.nan if b["bis"] is None else float(b["bis"]),
            "sex": sex,
            "rate": b[key] / 100,
            "checked": bool(b.get("geprueft", False)),
        }
        for b in bands
        for key, sex in _SEX_KEYS.items()
    ]
    return CareRates(pd.DataFrame(rows), dict(config.get("quelle", {})))


def load_care_rates(path: str | Path = "config/pflegequoten.yaml", root: str | Path = ".") -> CareRates:
    """Read and check ``config/pflegequoten.yaml`` against its schema (German message on error)."""
    from sozialbericht.core.config import SCHEMA_DIR, check_schema, load_yaml

    data = load_yaml(Path(root) / path)
    check_schema(data, Path(root) / SCHEMA_DIR / "pflegequoten.schema.yaml", path)
    return care_rates(data, str(path))


# --- expected people in need of care -------------------------------------------------------------------
def expected_care(population: pd.DataFrame, rates: CareRates) -> pd.DataFrame:
    """Σ_bands rate × population (not calibrated) for every combination of the input's other
    columns. With a ``sex`` column ("männlich"/"weiblich") the sex-specific rates are used and
    the result keeps the sex; without it the rates for both sexes together."""
    sexes = list(population["sex"].unique()) if "sex" in population.columns else [None]
    parts = []
    for sex in sexes:
        rows = population if sex is None else population[population["sex"] == sex]
        bounds, rate = rates.bands(TOTAL if sex is None else sex)
        per_band = band_population(rows, bounds)
        per_band["value"] *= per_band["band"].map(rate)
        parts.append(_sum_by(per_band, _keys(rows)))
    return pd.concat(parts, ignore_index=True)


def calibration_factors(count: float | Mapping[str, float], base_population: pd.DataFrame, rates: CareRates) -> dict[str, float]:
    """The factor f: the Kreis's count divided by the rates applied to its population at the
    count's date; per sex (keys "männlich", "weiblich") for a count by sex, else one factor (key
    "insgesamt", with the sex-specific rates where the base population has sexes)."""
    if isinstance(count, Mapping):
        if "sex" not in base_population.columns:
            raise ValueError("a count by sex needs a base population by sex")
        expected = expected_care(base_population, rates).groupby("sex")["value"].sum()
        return {sex: float(count[sex]) / float(expected[sex]) for sex in count}
    return {TOTAL: float(count) / float(expected_care(base_population, rates)["value"].sum())}


def _age_grid(population: pd.DataFrame) -> set[tuple[float, float]]:
    return set(zip(population["age_from"].astype(float), population["age_to"].fillna(OPEN_UNTIL).astype(float)))


def care_projection(
    population: pd.DataFrame,
    base_population: pd.DataFrame,
    count: float | Mapping[str, float],
    count_year: int,
    rates: CareRates,
    years: tuple[int, ...] = CARE_YEARS,
) -> pd.DataFrame:
    """Expected people in need of care per variant and year, calibrated to the Kreis's count.

    ``population``: the projected population (columns variant, year, optionally sex, age_from,
    age_to, value; single years of age recommended, see the module docstring);
    ``base_population``: the Kreis's population at the count's reference date (optionally sex,
    age_from, age_to, value); ``count``: the Kreis's Pflegebedürftige at that date, a number or
    ``{"männlich": m, "weiblich": w}`` (then calibrated per sex); ``count_year``: its year.
    Returns variant, year, value (calibrated), unadjusted (rates × population), factor; the first
    row of every variant is the count year with the count itself (value = count)."""
    if _age_grid(population) != _age_grid(base_population):
        # a base in single years and a projection in wide groups would be split differently and
        # the difference would pass for a change of the age structure
        raise ValueError("the base and the projected population must have the same age groups")
    factors = calibration_factors(count, base_population, rates)
    projected = population[population["year"].isin(years)]
    if isinstance(count, Mapping) and "sex" not in projected.columns:
        raise ValueError("a count by sex needs a projected population by sex")
    expected = expected_care(projected, rates)
    expected["factor"] = expected["sex"].map(factors) if isinstance(count, Mapping) else factors[TOTAL]
    expected["calibrated"] = expected["value"] * expected["factor"]
    out = expected.groupby(["variant", "year"], as_index=False).agg(value=("calibrated", "sum"), unadjusted=("value", "sum"))
    total = float(sum(count.values())) if isinstance(count, Mapping) else float(count)
    base_expected = sum(float(count[s]) / f for s, f in factors.items()) if isinstance(count, Mapping) else total / factors[TOTAL]
    variants = sorted(population["variant"].unique())
    base = pd.DataFrame({"variant": variants, "year": count_year, "value": total, "unadjusted": base_expected})
    both = pd.concat([base, out], ignore_index=True)
    both["factor"] = both["value"] / both["unadjusted"]
    return both.sort_values(["variant", "year"], kind="stable").reset_index(drop=True)


def care_projections(
    population: pd.DataFrame,
    base_population: pd.DataFrame,
    counts: pd.DataFrame,
    rates: CareRates,
    years: tuple[int, ...] = CARE_YEARS,
) -> pd.DataFrame:
    """``care_projection`` for many areas at once, each calibrated to its total count: one pass of
    ``expected_care`` over all areas (the national step projects every Kreis).

    ``population``: area_id, variant, year, optionally sex, age_from, age_to, value;
    ``base_population``: area_id, optionally sex, age_from, age_to, value (each area at the
    date of its count); ``counts``: area_id, year (the count's year), value. Areas without a
    count or a base population are left out. Returns area_id and the columns of
    ``care_projection`` (variant, year, value, unadjusted, factor), the same numbers per area."""
    if _age_grid(population) != _age_grid(base_population):
        raise ValueError("the base and the projected population must have the same age groups")
    base = expected_care(base_population, rates).groupby("area_id")["value"].sum()
    count = counts.set_index("area_id")
    factor = (count["value"] / base).dropna()
    projected = population[population["year"].isin(years) & population["area_id"].isin(factor.index)]
    expected = expected_care(projected, rates).groupby(["area_id", "variant", "year"], as_index=False)["value"].sum()
    expected = expected.rename(columns={"value": "unadjusted"})
    expected["value"] = expected["unadjusted"] * expected["area_id"].map(factor)
    variants = population.loc[population["area_id"].isin(factor.index), ["area_id", "variant"]].drop_duplicates()
    first = variants.assign(
        year=variants["area_id"].map(count["year"]).astype(int),
        value=variants["area_id"].map(count["value"]).astype(float),
        unadjusted=variants["area_id"].map(base),
    )
    both = pd.concat([first, expected], ignore_index=True)
    both["factor"] = both["value"] / both["unadjusted"]
    both = both.sort_values(["area_id", "variant", "year"], kind="stable").reset_index(drop=True)
    return both[["area_id", "variant", "year", "value", "unadjusted", "factor"]]


def variant_range(table: pd.DataFrame, keys: list[str], middle: str = MIDDLE) -> pd.DataFrame:
    """Per ``keys``: the middle migration variant's ``value`` and the range over all variants
    (``lower``, ``upper``); keys without a middle variant are left out."""
    spread = table.groupby(keys, sort=True)["value"].agg(lower="min", upper="max").reset_index()
    mid = table[table["variant"] == middle][[*keys, "value"]]
    return spread.merge(mid, on=keys, how="inner")


def care_range(projection: pd.DataFrame, middle: str = MIDDLE) -> pd.DataFrame:
    """Per year: the middle variant and the range over all variants (columns year, value, low,
    high) of a ``care_projection`` result."""
    out = variant_range(projection, ["year"], middle).rename(columns={"lower": "low", "upper": "high"})
    return out[["year", "value", "low", "high"]]
