"""Everything the report of one district and year needs, computed once from the staged tables.

Writes into ``results/indicators/<district>/<year>/``: ``indikatoren.csv`` (the catalogue applied
to the district, its Land, Germany, the other Kreise of the Land and the district's Gemeinden),
``pyramide.csv`` (population by sex and age group), ``gemeinden.geojson`` (boundaries for maps)
and ``context.json`` (names, reference dates, sources and territorial changes for the text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sozialbericht import indicators
from sozialbericht.staging import read_tidy, write_tidy
from sozialbericht.territory import ags_of, harmonise


def area_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Area key → name, the first name found (datasets in sorted order, newest period first)."""
    names: dict[str, str] = {}
    for _, df in sorted(tables.items()):
        for a, n in df.sort_values("period", ascending=False)[["area_id", "area_name"]].drop_duplicates("area_id").itertuples(index=False):
            if n and a not in names:
                names[a] = n.strip()
    return names


def previous_report(current: pd.DataFrame, previous_csv: Path | None, kreis: str, land: str) -> dict | None:
    """Newest values of the previous year's published report next to this report's, for the
    district, its Land and Germany; plus the number of values of the same dates that were revised."""
    if previous_csv is None or not Path(previous_csv).exists():
        return None
    from sozialbericht.changes import compare, read_indicators

    old = read_indicators(previous_csv)
    rows = []
    for (ind, area), now in current[current["area_id"].isin([kreis, land, "DG"])].groupby(["indicator_id", "area_id"], sort=False):
        before = old[(old["indicator_id"] == ind) & (old["area_id"] == area)]
        if before.empty:
            continue
        a, b = before.sort_values("period").iloc[-1], now.sort_values("period").iloc[-1]
        rows.append({"indicator_id": ind, "area_id": area, "period_prev": a["period"], "value_prev": a["value"],
                     "flag_prev": a["flag"], "period_now": b["period"], "value_now": b["value"], "flag_now": b["flag"]})
    revised = compare(old[old["area_id"].isin([kreis, land, "DG"])], current[current["area_id"].isin([kreis, land, "DG"])], 0.0).changed
    return {"file": str(previous_csv), "rows": rows, "revised": int(len(revised))}


def build(district: dict, year: int, datasets: dict, catalogue: list, staged: dict[str, Path], geo_dir: Path,
          out_dir: Path, previous_csv: Path | None = None, quality: dict | None = None) -> dict:
    """Compute and write everything the report of ``district`` (its config) for ``year`` needs.

    ``previous_csv``: the indicator table of the previous year's published report, if any;
    ``quality``: validation warnings per Data Docs folder (shown in the report's annex)."""
    kreis, land = district["kreis"], district["kreis"][:2]
    config_file = f"config/districts/{district['id']}.yaml"
    tables = {name: read_tidy(path) for name, path in staged.items()}
    names = area_names(tables)

    # Kreis level: the district, its Land, Germany and the other Kreise of the Land, up to the report year.
    kreis_ind = indicators.compute(catalogue, tables, "kreis", names, base_year=district["base_year"])
    # Comparison Kreise: those of the Land that exist in the report year (the tables also carry
    # Kreise dissolved by earlier reforms, marked "-").
    pop = tables["bevoelkerung_alter"]
    current = pop[(pop["period"].str[:4].astype(int) == year) & (pop["area_id"].str[:2] == land)]["area_id"]
    keep = kreis_ind["area_id"].isin({"DG", land, *current})
    kreis_ind = kreis_ind[keep & (kreis_ind["period"].str[:4].astype(int) <= year)]

    # Gemeinde level: GV-ISys series on the current territory, Zensus 2022 matched by AGS.
    first, last = district["gemeinde_years"]
    gv = tables["gemeindeverzeichnis"]
    gv = gv[gv["period"].str[:4].astype(int).between(first, last)]
    gv_h, changes = harmonise(gv, kreis, district.get("territorial_changes", []), config_file)
    current = dict(zip(gv_h["area_id"].map(ags_of), gv_h["area_id"]))
    zensus = tables["zensus2022"]
    zensus = zensus[(zensus["area_id"].str.len() == 12) & (zensus["area_id"].str[:5] == kreis)].copy()
    zensus["area_id"] = zensus["area_id"].map(ags_of).map(current)
    g_tables = {**tables, "gemeindeverzeichnis": gv_h, "zensus2022": zensus.dropna(subset=["area_id"])}
    g_names = dict(zip(gv_h["area_id"], gv_h["area_name"]))
    gem_ind = indicators.compute(catalogue, g_tables, "gemeinde", g_names, base_year=first)
    result = pd.concat([kreis_ind, gem_ind], ignore_index=True)

    # Population pyramid of the report year for the district, the Land and Germany.
    ages = indicators.age_groups(tables["bevoelkerung_alter"])
    ages = ages[(ages["period"].str[:4].astype(int) == year) & (ages["area_id"].str[:2] == land)]
    district_ages = ages[ages["area_id"] == kreis]
    land_ages = ages[ages["area_id"].str.len() == 5].groupby(["period", "sex", "age_label", "age_from"], as_index=False)["value"].sum()
    all_ages = indicators.age_groups(tables["bevoelkerung_alter"])
    all_ages = all_ages[all_ages["period"].str[:4].astype(int) == year]
    bund_ages = all_ages.groupby(["period", "sex", "age_label", "age_from"], as_index=False)["value"].sum()
    pyramid = pd.concat([district_ages.assign(area_id=kreis), land_ages.assign(area_id=land), bund_ages.assign(area_id="DG")])
    pyramid = pyramid[["area_id", "period", "sex", "age_label", "age_from", "value"]].sort_values(["area_id", "sex", "age_from"])

    out_dir.mkdir(parents=True, exist_ok=True)
    write_tidy(result, out_dir / "indikatoren.csv")
    write_tidy(pyramid, out_dir / "pyramide.csv")
    gem = json.loads((geo_dir / "VG5000_GEM.geojson").read_text(encoding="utf-8"))
    krs = json.loads((geo_dir / "VG5000_KRS.geojson").read_text(encoding="utf-8"))
    features = [f for f in gem["features"] if f["properties"]["area_id"][:5] == kreis]
    features += [f for f in krs["features"] if f["properties"]["area_id"] == kreis]
    (out_dir / "gemeinden.geojson").write_text(json.dumps({**gem, "features": features}, ensure_ascii=False), encoding="utf-8")

    used = {name: sorted(p for p in df["period"].unique() if int(p[:4]) <= year) for name, df in tables.items()}
    context = {
        "district": district, "year": year, "land": {"id": land, "name": names.get(land, land)},
        "kreis_name": names.get(kreis, district["name"]),
        "periods": {name: {"latest": (p[-1] if p else None), "all": p} for name, p in used.items()},
        "gemeinde_periods": sorted(gv_h["period"].unique()),
        "territorial_changes": changes,
        "previous": previous_report(kreis_ind, previous_csv, kreis, land),
        "data_quality": quality or {},
        "sources": {name: {k: spec[k] for k in ("table", "title", "statistic", "attribution", "licence")}
                    for name, spec in sorted(datasets.items())},
        "catalogue": catalogue,
    }
    (out_dir / "context.json").write_text(json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return context
