"""District-owned small-area data: read every template, validate, stage (one job per district).

A district's files are read and validated together, so that a bad file of one district stops
only that district's report; the national steps and the other districts are not affected.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialbericht.errors import ValidationFailed
from sozialbericht.io import read_district_table
from sozialbericht.staging import write_tidy
from sozialbericht.validation import district_checks, run_checks


def current_gemeinden(directory: pd.DataFrame, kreis: str) -> dict[str, str]:
    """ARS → name of the district's Gemeinden on the newest territory of the municipality directory."""
    own = directory[(directory["area_id"].str[:5] == kreis) & (directory["area_level"] == "gemeinde")]
    latest = own[own["period"] == own["period"].max()].drop_duplicates("area_id")
    return dict(zip(latest["area_id"], latest["area_name"]))


def official_totals(kreis: str, year: int, population: pd.DataFrame, unemployment: pd.DataFrame) -> dict:
    """Official Kreis totals that the district's own sums are compared with (warning if they differ)."""
    pop = population[(population["area_id"] == kreis) & (population["period"] == f"{year}-12-31")]["value"].sum()
    al = unemployment[
        (unemployment["area_id"] == kreis) & (unemployment["period"] == str(year)) & (unemployment["variable"] == "arbeitslose")
    ]["value"].sum()
    totals = {}
    if pop:
        totals["bevoelkerung_gemeinden"] = (float(pop), "anzahl")
    if al:
        totals["arbeitslose_gemeinden"] = (float(al), "arbeitslose")
    return totals


def stage_district(
    district: dict,
    year: int,
    specs: dict,
    folder: Path,
    directory: pd.DataFrame,
    population: pd.DataFrame,
    unemployment: pd.DataFrame,
    out_dir: Path,
    docs_dir: Path | None,
    plausibility: dict | None = None,
) -> dict:
    """Read and validate every template of one district; write the staged tables only if all pass."""
    names = current_gemeinden(directory, district["kreis"])
    tables = {name: read_district_table(folder / spec["file"], name, spec) for name, spec in sorted(specs.items())}
    tables = {name: df.assign(area_name=df["area_id"].map(names).fillna("")) for name, df in tables.items()}
    checks = district_checks(
        tables,
        specs,
        plausibility or {},
        sorted(names),
        year,
        district["id"],
        official_totals(district["kreis"], year, population, unemployment),
    )
    files = {spec["file"]: str(folder / spec["file"]) for spec in specs.values()}
    report = run_checks(checks, str(docs_dir) if docs_dir else None, files)
    if report["errors"]:
        raise ValidationFailed(f"Kleinräumige Daten des Kreises „{district['id']}“ ({folder})", report["errors"])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_tidy(df, out_dir / f"{name}.csv")
    return report
