"""Where the district stands and what follows, beside its indicator table: its comparable Kreise
and the comparison table, the demand from its projection, and the 95 % intervals of its
small-area rates. Called by ``district.build``; it adds files to the work folder and changes
none of the others.

Files in the work folder (``DistrictData.table(<name>)`` reads each CSV):

- ``vergleichskreise.csv``: the comparison group – rank, area_id, area_name, land, land_name,
  distance (of the structural indicators, ``peers``; empty for a group the district named),
  quelle (``berechnet``: the national step's nearest Kreise; ``Kreiskonfiguration``: the
  district's own ``vergleichskreise``, checked by ``peers.own_group``);
- ``vergleich.csv``: the comparison table – indicator_id, period (of the Kreis's value), value,
  median, p25, p75, n, rank (1 = highest), position (``oberhalb`` / ``innerhalb`` /
  ``unterhalb`` the group's interquartile range); the national step's table for a computed
  group, computed here from the national ``vergleichswerte.csv`` for the district's own group;
- ``bedarf_kinder.csv`` (area_id, variant, year, band, value: children in Krippe, Kita and
  Grundschule age per year and migration variant, the planning groups of the Kreis's integer
  projection table ``prognose.csv``), ``bedarf_pflege.csv`` (area_id, variant,
  year, value, unadjusted, factor: expected people in need of care, the first year of each
  variant the Kreis's count) and ``pflegequoten.json`` (the care rates with their source): the
  care table as the national step wrote it in the Kreis's slice (``national_outlook``);
- ``intervalle.csv``: indicator_id, area_id, period, lower, upper, flag (``höher`` /
  ``ähnlich`` / ``niedriger`` than the Kreis) of every small-area rate with a published value
  (``intervals.table_intervals``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sozialbericht.compute import indicators, intervals, peers
from sozialbericht.compute.national_outlook import child_table, comparison_tables
from sozialbericht.core.files import read_tidy, write_tidy

if TYPE_CHECKING:
    from sozialbericht.compute.district import YearInputs

COMPUTED, OWN = "berechnet", "Kreiskonfiguration"
GROUP_COLUMNS = ["rank", "area_id", "area_name", "land", "land_name", "distance", "quelle"]
DEMAND_FILES = ("bedarf_kinder.csv", "bedarf_pflege.csv")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"area_id": str, "land": str, "kreis": str, "period": str, "variant": str})


def kreise_of_year(national_dir: Path) -> pd.DataFrame:
    """The Kreise of the report year (``kreise.csv`` of the national step), indexed by key."""
    kreise = _read(national_dir / "kreise.csv")
    return kreise[kreise["im_berichtsjahr"].astype(str) == "True"].set_index("kreis")


def own_comparison(
    kreis: str, members: list, config_file: str, national_dir: Path, ids: list[str], year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The district's own group (checked: German message naming its file) and its comparison
    table from the national values of the key indicators."""
    kreise = kreise_of_year(national_dir)
    group = peers.own_group(kreis, members, kreise.index, source=config_file)
    values = read_tidy(national_dir / "vergleichswerte.csv")
    table = comparison_tables(values, {kreis: group}, [kreis], ids, year).drop(columns="area_id")
    rows = pd.DataFrame(
        {
            "rank": range(1, len(group) + 1),
            "area_id": group,
            "area_name": [kreise.at[k, "name"] for k in group],
            "land": [k[:2] for k in group],
            "land_name": [kreise.at[k, "land_name"] for k in group],
            "distance": np.nan,
            "quelle": OWN,
        }
    )
    return rows, table


def comparison(cfg: dict, config_file: str, national_dir: Path, slice_folder: Path, year: int):
    """The district's group and comparison table: its own (``vergleichskreise`` in its
    configuration) or the national step's; ``None`` where the national step wrote none."""
    if not (slice_folder / "vergleich.csv").exists():
        return None
    table = _read(slice_folder / "vergleich.csv")
    if cfg.get("vergleichskreise") is not None:
        ids = list(table["indicator_id"])
        return own_comparison(cfg["kreis"], cfg["vergleichskreise"], config_file, national_dir, ids, year)
    group = _read(slice_folder / "vergleichskreise.csv").assign(quelle=COMPUTED)
    return group[GROUP_COLUMNS], table


@dataclass
class SmallAreaRates:
    """The district's indicator rows before disclosure control and what they were computed from."""

    counts: pd.DataFrame  # indicator_id, area_id, period, numerator (indicators.compute)
    tables: dict[str, pd.DataFrame]  # the tables the Gemeinde indicators were computed from
    groups: list[dict[str, str]]  # Gemeinde → Sozialraum / Gemeindeverband


def small_area_intervals(result: pd.DataFrame, rates: SmallAreaRates, catalogue: list, kreis: str) -> pd.DataFrame:
    """``intervals.table_intervals`` of the district's published table; the denominator of a
    count of 0 from the catalogue entry's denominator on the district's tables."""

    def denominator_of(entry: dict) -> pd.DataFrame:
        return indicators.quantity(rates.tables, entry["denominator"], entry["id"], rates.groups)

    return intervals.table_intervals(result, rates.counts, catalogue, kreis, denominator_of)


@dataclass
class Outlook:
    """The district's comparison group and table, demand tables and small-area intervals."""

    group: pd.DataFrame | None  # vergleichskreise.csv (None: the national step wrote no comparison)
    comparison: pd.DataFrame | None  # vergleich.csv
    intervals: pd.DataFrame  # intervalle.csv
    children: pd.DataFrame | None  # bedarf_kinder.csv of the Kreis (None for report years without a projection)
    care: pd.DataFrame | None  # bedarf_pflege.csv of the Kreis


def compute(
    cfg: dict,
    config_file: str,
    shared: YearInputs,
    slice_folder: Path,
    result: pd.DataFrame,
    rates: SmallAreaRates,
    prognose: pd.DataFrame | None = None,
) -> Outlook:
    """The comparison group and table, the demand tables of the Kreis's slice and the intervals of
    the small-area rates of ``result`` (the disclosure-controlled indicator table). With
    ``prognose`` (the Kreis's projection as integers: variant, year, group, value) the children
    are its planning groups, so that the report prints the same numbers in both tables."""
    found = comparison(cfg, config_file, shared.national_dir, slice_folder, shared.year)
    demand = [_read(slice_folder / name) if (slice_folder / name).exists() else None for name in DEMAND_FILES]
    if prognose is not None and len(prognose) and demand[0] is not None:
        demand[0] = child_table(prognose.assign(area_id=cfg["kreis"]))
    return Outlook(
        group=found[0] if found else None,
        comparison=found[1] if found else None,
        intervals=small_area_intervals(result, rates, shared.catalogue, cfg["kreis"]),
        children=demand[0],
        care=demand[1],
    )


def write(outlook: Outlook, national_dir: Path, out_dir: Path) -> None:
    """The outlook's files into the work folder (the module docstring lists them)."""
    if outlook.group is not None:
        write_tidy(outlook.group, out_dir / "vergleichskreise.csv")
        write_tidy(outlook.comparison, out_dir / "vergleich.csv")
    for name, table in zip(DEMAND_FILES, (outlook.children, outlook.care)):
        if table is not None:
            write_tidy(table, out_dir / name)
    if (national_dir / "pflegequoten.json").exists():
        shutil.copyfile(national_dir / "pflegequoten.json", out_dir / "pflegequoten.json")
    write_tidy(outlook.intervals, out_dir / "intervalle.csv")
