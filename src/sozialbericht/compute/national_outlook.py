"""Where every Kreis stands and what its projection means, computed once in the national step.

- **Comparable Kreise** (``peers``): the group of the ``anzahl`` most similar other Kreise of every
  Kreis of the report year (``vergleichskreise.anzahl`` in ``config/config.yaml``, default 10),
  and every Kreis's comparison table for the key indicators (``vergleichskreise.kennzahlen``):
  its value, the group's median, P25 and P75, its rank in the group. The values come from the
  national indicator table itself, each indicator at its newest period up to the report year.
- **Demand** (``demand``): from the projection of every Kreis in single years of age, the children
  in Krippe, Kita and Grundschule age per year and migration variant up to the target year, and
  the expected people in need of care (Pflegebedürftige) in 2025, 2030 and 2035, calibrated to
  the Kreis's own count (indicator ``pflegebeduerftige``, table 22411-02-03-4) at its newest
  reference date up to the report year; the base population of the calibration is the Kreis's
  population at that date, spread over single years as for the projection
  (``national.single_year_table``).

The projection hands each Kreis's result to a ``DemandCollector`` as it is computed, which keeps
only what the care projection needs (every age of the care years), so that the single-year
populations of 401 Kreise × 3 variants are never held at once; the children are the planning
groups of the projection table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialbericht.compute import demand as dm
from sozialbericht.compute import peers
from sozialbericht.compute.projection import SEXES
from sozialbericht.core.areas import Kreis
from sozialbericht.core.errors import InputError

#: The key indicators of the comparison table when the configuration names none: every Kreis-level
#: rate of the catalogue (counts are left out: size is no structure).
DEFAULT_KEY_INDICATORS = (
    "bevoelkerung_veraenderung",
    "jugendquotient",
    "altenquotient",
    "anteil_65plus",
    "anteil_75plus",
    "arbeitslosenquote",
    "anteil_langzeitarbeitslose",
    "pflegequote",
    "anteil_pflege_stationaer",
)
#: The Kreis's own count of people in need of care (catalogue id).
CARE_COUNT = "pflegebeduerftige"
COMPARISON_COLUMNS = ["area_id", "indicator_id", "period", "value", "median", "p25", "p75", "n", "rank", "position"]
GROUP_COLUMNS = ["kreis", "rank", "area_id", "area_name", "land", "land_name", "distance"]


# --- comparable Kreise -------------------------------------------------------------------------------
def key_indicators(settings: dict, catalogue: list) -> list[str]:
    """The indicators of the comparison table (``vergleichskreise.kennzahlen`` or the default),
    checked: each a Kreis-level indicator of the catalogue (German message otherwise)."""
    ids = list(settings.get("vergleichskreise", {}).get("kennzahlen") or DEFAULT_KEY_INDICATORS)
    kreis_level = {ind["id"] for ind in catalogue if ind["level"] == "kreis"}
    unknown = [i for i in ids if i not in kreis_level]
    if unknown:
        raise InputError(
            "config/config.yaml",
            "die Vergleichskreise nennen Kennzahlen, die keine Kreisindikatoren des Katalogs sind",
            where="Schlüssel 'vergleichskreise.kennzahlen'",
            found=unknown,
            expected="Kennungen aus config/indicators.yaml mit level: kreis, z. B. arbeitslosenquote, altenquotient",
        )
    return ids


def newest_values(table: pd.DataFrame, indicator_ids: list[str], year: int) -> pd.DataFrame:
    """The rows of the national indicator table that the comparison tables read: for every Kreis
    and key indicator the row of the newest period up to ``year`` that has a value (the values of
    ``peers.latest_values``, with their periods and units)."""
    rows = table[(table["area_level"] == "kreis") & table["indicator_id"].isin(indicator_ids)]
    rows = rows[(rows["period"].str[:4].astype(int) <= year) & rows["value"].notna()]
    newest = rows.sort_values("period", kind="stable").drop_duplicates(["indicator_id", "area_id"], keep="last")
    order = {ind: i for i, ind in enumerate(indicator_ids)}
    newest = newest.assign(_o=newest["indicator_id"].map(order)).sort_values(["_o", "area_id"], kind="stable")
    return newest.drop(columns="_o").reset_index(drop=True)


def comparison_tables(values: pd.DataFrame, groups: dict[str, list[str]], kreise: list[str], ids: list[str], year: int):
    """Every Kreis's comparison table (``peers.comparison_table``, from one ``latest_values``),
    with the period of the Kreis's value, one long frame (COMPARISON_COLUMNS); a Kreis without a
    group gets its values and empty group figures. ``values``: the rows of ``newest_values``."""
    wide = peers.latest_values(values, ids, year)
    period = dict(zip(zip(values["area_id"], values["indicator_id"]), values["period"]))
    parts = []
    for kreis in kreise:
        table = peers.compare(wide, kreis, groups.get(kreis, []), ids)
        table["period"] = [period.get((kreis, ind), "") for ind in table["indicator_id"]]
        parts.append(table.assign(area_id=kreis))
    return pd.concat(parts, ignore_index=True)[COMPARISON_COLUMNS] if parts else pd.DataFrame(columns=COMPARISON_COLUMNS)


def group_members(groups: pd.DataFrame, meta: dict[str, Kreis], laender: dict) -> pd.DataFrame:
    """The groups of ``peers.peer_groups`` with the names and Länder of the members (the slices'
    ``vergleichskreise.csv``)."""
    names = {k: m.name for k, m in meta.items()}
    land_names = {land: v["name"] for land, v in laender["laender"].items()}
    out = groups.rename(columns={"area_id": "kreis", "peer_id": "area_id"})
    out = out.assign(
        area_name=out["area_id"].map(names).fillna(""),
        land=out["area_id"].str[:2],
        land_name=out["area_id"].str[:2].map(land_names).fillna(""),
    )
    return out[GROUP_COLUMNS]


@dataclass
class Comparison:
    """The comparable Kreise of the report year."""

    groups: pd.DataFrame  # peers.peer_groups: area_id, rank, peer_id, distance
    members: pd.DataFrame  # the same with names and Länder (GROUP_COLUMNS)
    values: pd.DataFrame  # the national table's rows the tables read (newest_values)
    tables: pd.DataFrame  # every Kreis's comparison table (COMPARISON_COLUMNS)


def compare_kreise(
    table: pd.DataFrame,
    directory: pd.DataFrame,
    kreise: list[str],
    meta: dict,
    settings: dict,
    catalogue: list,
    laender: dict,
    year: int,
) -> Comparison:
    """Groups and comparison tables of every Kreis of the report year (``kreise``)."""
    ids = key_indicators(settings, catalogue)
    k = int(settings.get("vergleichskreise", {}).get("anzahl", peers.DEFAULT_K))
    kreis_rows = table[table["area_level"] == "kreis"]
    groups = peers.peer_groups(kreis_rows, directory, year, k)
    values = newest_values(kreis_rows, ids, year)
    tables = comparison_tables(values, peers.as_mapping(groups), kreise, ids, year)
    return Comparison(groups, group_members(groups, meta, laender), values, tables)


# --- demand -------------------------------------------------------------------------------------------
@dataclass
class DemandCollector:
    """Receives every projection result (years × 2 × 101 from ``base_year``) and keeps what the
    demand tables need."""

    base_year: int
    care_years: tuple[int, ...]
    care: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # care years × 2 × 101

    def add(self, kreis: str, variant: str, result: np.ndarray) -> None:
        self.care[(kreis, variant)] = np.array([result[y - self.base_year] for y in self.care_years])


def care_years(base_year: int, target_year: int) -> tuple[int, ...]:
    """The years of ``demand.CARE_YEARS`` within the projection (after its base year, up to its target)."""
    return tuple(y for y in dm.CARE_YEARS if base_year < y <= target_year)


def _long(keys: pd.DataFrame, values: np.ndarray, inner: pd.DataFrame) -> pd.DataFrame:
    """``values`` (len(keys) × len(inner)) as a long frame: every row of ``keys`` with every row
    of ``inner`` and its value."""
    n, m = len(keys), len(inner)
    outer = keys.iloc[np.repeat(np.arange(n), m)].reset_index(drop=True)
    cross = inner.iloc[np.tile(np.arange(m), n)].reset_index(drop=True)
    return pd.concat([outer, cross], axis=1).assign(value=values.reshape(-1))


def child_table(prognose: pd.DataFrame) -> pd.DataFrame:
    """Children per band, year and variant of every projected Kreis (area_id, variant, year, band,
    value), from a projection table (``prognose.csv``: area_id, variant, year, group, value): its
    planning groups are the bands of ``demand.CHILD_BANDS``, so nothing is split. The district
    step applies it to the Kreis's integer table, so that the demand and the projection tables
    print the same numbers."""
    if not len(prognose):
        return pd.DataFrame(columns=["area_id", "variant", "year", "band", "value"])
    kids = dm.children(dm.planning_frame(prognose))
    kids = kids.assign(band=kids["band"].astype(str), year=kids["year"].astype(int))
    kids = kids.sort_values(["area_id", "variant", "year"], kind="stable")
    return kids[["area_id", "variant", "year", "band", "value"]].reset_index(drop=True)


def rate_bands(rates: dm.CareRates) -> list[tuple[int, int]]:
    """The age bands of the care rates as (from, to exclusive) on the single years 0…100."""
    t = rates.table[rates.table["sex"] == dm.TOTAL].sort_values("age_from")
    return [(int(lo), dm.OPEN_UNTIL if np.isnan(hi) else int(hi)) for lo, hi in zip(t["age_from"], t["age_to"])]


def band_sums(populations: np.ndarray, bands: list[tuple[int, int]]) -> np.ndarray:
    """Single-year populations (… × 101) summed to ``bands`` (… × len(bands)); every band covers
    whole years, so nothing is split."""
    cum = np.concatenate([np.zeros((*populations.shape[:-1], 1)), np.cumsum(populations, axis=-1)], axis=-1)
    return np.stack([cum[..., hi] - cum[..., lo] for lo, hi in bands], axis=-1)


def _band_grid(bands: list[tuple[int, int]]) -> pd.DataFrame:
    """sex × band (age_from, age_to; the open band NaN), in the order of ``band_sums`` of 2 × … arrays."""
    lo = np.array([b[0] for b in bands], dtype=float)
    hi = np.array([np.nan if b[1] == dm.OPEN_UNTIL else b[1] for b in bands], dtype=float)
    return pd.DataFrame(
        {
            "sex": np.repeat(np.array(SEXES, dtype=object), len(bands)),
            "age_from": np.tile(lo, len(SEXES)),
            "age_to": np.tile(hi, len(SEXES)),
        }
    )


def care_table(
    collector: DemandCollector,
    counts: pd.DataFrame,
    base_populations: dict[tuple[str, str], np.ndarray],
    rates: dm.CareRates | None,
) -> pd.DataFrame:
    """Expected people in need of care of every Kreis with a count and a population at its date
    (``demand.care_projections``; area_id, variant, year, value, unadjusted, factor; the first row
    of each variant is the count year with the count). Single years are summed to the rates'
    bands first (exact: the bands cover whole years), for the speed of 401 Kreise at once."""
    columns = ["area_id", "variant", "year", "value", "unadjusted", "factor"]
    if rates is None or not len(counts):
        return pd.DataFrame(columns=columns)
    bands = rate_bands(rates)
    have = [(a, p) for a, p in zip(counts["area_id"], counts["period"]) if (a, p) in base_populations]
    pairs = sorted(pair for pair in collector.care if pair[0] in {a for a, _ in have})
    if not pairs or not collector.care_years:
        return pd.DataFrame(columns=columns)
    grid = _band_grid(bands)
    base = _long(
        pd.DataFrame({"area_id": [a for a, _ in have]}), band_sums(np.array([base_populations[h] for h in have]), bands), grid
    )
    keys = pd.DataFrame([(a, v, y) for a, v in pairs for y in collector.care_years], columns=["area_id", "variant", "year"])
    projected = _long(keys, band_sums(np.array([collector.care[p] for p in pairs]), bands), grid)
    kreis_counts = counts.assign(year=counts["period"].str[:4].astype(int))[["area_id", "year", "value"]]
    return dm.care_projections(projected, base, kreis_counts, rates, collector.care_years)[columns]


def care_counts(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every Kreis's count of people in need of care at its newest reference date up to ``year``
    (area_id, period, value)."""
    rows = table[(table["indicator_id"] == CARE_COUNT) & (table["area_level"] == "kreis") & table["value"].notna()]
    rows = rows[rows["period"].str[:4].astype(int) <= year].sort_values("period", kind="stable")
    return rows.drop_duplicates("area_id", keep="last")[["area_id", "period", "value"]].reset_index(drop=True)


@dataclass
class Demand:
    """The demand tables of every Kreis (long frames; empty where a Kreis has no projection)."""

    children: pd.DataFrame
    care: pd.DataFrame


def demand_tables(
    collector: DemandCollector,
    counts: pd.DataFrame,
    base_populations: dict[tuple[str, str], np.ndarray],
    rates: dm.CareRates | None,
    prognose: pd.DataFrame,
) -> Demand:
    """Children (from ``prognose``, the published projection table) and (with ``rates``) care of
    every Kreis the collector holds (``counts``: ``care_counts``; ``base_populations``: (Kreis,
    period) → 2 × 101 single years, ``national.single_year_table``). A Kreis without a count or
    without a population at the count's date gets no care rows."""
    care = care_table(collector, counts.iloc[0:0] if rates is None else counts, base_populations, rates)
    return Demand(child_table(prognose), care)


def care_rates_info(rates: dm.CareRates) -> dict:
    """What the report cites of the care rates (``pflegequoten.json``): the source, the rates per
    100 of every band and sex and whether the band was checked against the published table
    (``geprueft``), the care years and the child bands."""
    t = rates.table.assign(age_to=rates.table["age_to"].fillna(-1))  # the open band as a key
    rate = {(lo, hi, sex): r for lo, hi, sex, r in zip(t["age_from"], t["age_to"], t["sex"], t["rate"])}
    checked = t.groupby(["age_from", "age_to"])["checked"].all()
    bands = [
        {
            "von": int(lo),
            "bis": None if hi < 0 else int(hi),
            **{sex: round(float(rate[(lo, hi, sex)]) * 100, 6) for sex in ("insgesamt", "männlich", "weiblich")},
            "geprueft": bool(checked.loc[(lo, hi)]),
        }
        for lo, hi in checked.index
    ]
    return {
        "quelle": rates.source,
        "einheit": "je 100 Einwohner der Altersgruppe",
        "quoten": bands,
        "alle_geprueft": all(b["geprueft"] for b in bands),
        "jahre": list(dm.CARE_YEARS),
        "altersgruppen_kinder": {name: list(bounds) for name, bounds in dm.CHILD_BANDS.items()},
    }
