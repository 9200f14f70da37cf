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
from sozialbericht.disclosure import suppress
from sozialbericht.errors import InputError
from sozialbericht.staging import read_tidy, write_tidy
from sozialbericht.territory import ags_of, harmonise
from sozialbericht.tidy import area_level


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


def sozialraeume(district: dict, gemeinden: set[str], config_file: str) -> dict[str, dict]:
    """Planning areas of the district: area id "<Kreis>-<id>" → config entry (members checked)."""
    out = {}
    for sr in district.get("sozialraeume", []):
        unknown = sorted(set(sr["gemeinden"]) - gemeinden)
        if unknown:
            raise InputError(config_file, f"Sozialraum '{sr['id']}' lists Gemeinden that are not current Gemeinden of the district",
                             where="key 'sozialraeume'", found=unknown, expected=f"12-digit ARS of {sorted(gemeinden)}")
        out[f"{district['kreis']}-{sr['id']}"] = sr
    return out


def uses_datasets(ind: dict, names: set[str]) -> bool:
    return any(ind[k]["dataset"] in names for k in ("numerator", "denominator", "subtract") if k in ind)


def planning_results(district: dict, year: int, catalogue: list, settings: dict, tables: dict, own: dict,
                     gem_ind: pd.DataFrame, names: dict, geo_dir: Path, gemeinden: list[str]):
    """Projection, social index, counselling supply and targets; model results as indicator rows."""
    from sozialbericht import planning

    kreis = district["kreis"]
    cat = {ind["id"]: ind for ind in catalogue}
    rows, out = [], {}
    if "projection" in settings:
        assumptions = {**settings["projection"]["assumptions"]}
        if "wanderungssaldo_je_jahr" in district:
            assumptions["wanderungssaldo_je_jahr"] = district["wanderungssaldo_je_jahr"]
        kreis_groups, gem = planning.compute_projection(tables["bevoelkerung_alter"], own.get("bevoelkerung_gemeinden"),
                                                        kreis, year, settings["projection"], assumptions)
        out["prognose"], out["prognose_gemeinden"] = kreis_groups, gem
        target = settings["projection"]["target_year"]
        total = kreis_groups[kreis_groups["group"] == "insgesamt"].set_index("year")["value"]
        rows.append({"indicator_id": "prognose_veraenderung", "area_id": kreis, "period": str(target),
                     "value": (total[target] - total[year]) / total[year] * 100})
        if len(gem):
            base = own["bevoelkerung_gemeinden"]
            base = base[base["period"] == f"{year}-12-31"].groupby("area_id")["value"].sum()
            for area, value in gem[gem["group"] == "insgesamt"].set_index("area_id")["value"].items():
                rows.append({"indicator_id": "prognose_veraenderung", "area_id": area, "period": str(target),
                             "value": (value - base[area]) / base[area] * 100})
    if "social_index" in settings and own:
        index, excluded = planning.compute_social_index(gem_ind, settings["social_index"], year, gemeinden)
        out["sozialindex"] = index.reset_index().rename(columns={"index": "area_id"})
        for area, r in index.iterrows():
            rows.append({"indicator_id": "sozialindex_status", "area_id": area, "period": str(year), "value": r["status_index"]})
            rows.append({"indicator_id": "sozialindex_dynamik", "area_id": area, "period": str(year), "value": r["dynamik_index"]})
        out["sozialindex_ausgeschlossen"] = pd.DataFrame({"area_id": excluded})
    if "counselling" in settings and "beratung_faelle" in own:
        geo = json.loads((geo_dir / "VG5000_GEM.geojson").read_text(encoding="utf-8"))
        geo = {**geo, "features": [f for f in geo["features"] if f["properties"]["area_id"][:5] == kreis]}
        stellen = own["beratung_stellen"].assign(area_name=lambda d: d["area_id"].map(names).fillna(""))
        supply, travel = planning.counselling_supply(stellen, own["beratung_faelle"], own["bevoelkerung_gemeinden"], geo,
                                                     year, settings["counselling"]["benchmarks"])
        out["beratung_versorgung"], out["beratung_wege"] = supply, travel
    model = pd.DataFrame(rows, columns=["indicator_id", "area_id", "period", "value"])
    if len(model):
        model["unit"] = model["indicator_id"].map(lambda i: cat[i]["unit"])
        model["flag"] = ""
        model["area_name"] = model["area_id"].map(names).fillna("")
        model["area_level"] = model["area_id"].map(area_level)
        model["numerator"] = float("nan")
    return model, out


def build(district: dict, year: int, datasets: dict, catalogue: list, staged: dict[str, Path], geo_dir: Path,
          out_dir: Path, previous_csv: Path | None = None, quality: dict | None = None,
          district_tables: dict[str, Path] | None = None, min_count: int = 3, planning_settings: dict | None = None) -> dict:
    """Compute and write everything the report of ``district`` (its config) for ``year`` needs.

    ``previous_csv``: the indicator table of the previous year's published report, if any;
    ``quality``: validation warnings per Data Docs folder (shown in the report's annex);
    ``district_tables``: the district's staged small-area tables; ``min_count``: disclosure threshold."""
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
    own = {name: read_tidy(path) for name, path in (district_tables or {}).items()}
    planning = sozialraeume(district, set(gv_h["area_id"]), config_file)
    groups = {g: sr_id for sr_id, sr in planning.items() for g in sr["gemeinden"]}
    g_tables = {**tables, **own, "gemeindeverzeichnis": gv_h, "zensus2022": zensus.dropna(subset=["area_id"])}
    g_names = {**dict(zip(gv_h["area_id"], gv_h["area_name"])), **{k: sr["name"] for k, sr in planning.items()},
               kreis: names.get(kreis, district["name"])}
    gem_ind = indicators.compute(catalogue, g_tables, "gemeinde", g_names, base_year=first, groups=groups)
    model_rows, planning_tables = planning_results(district, year, catalogue, planning_settings or {}, tables, own,
                                                   gem_ind, g_names, geo_dir, sorted(gv_h["area_id"].unique()))
    gem_ind = pd.concat([gem_ind, model_rows], ignore_index=True)
    # Disclosure control: the one place where small counts are suppressed (see disclosure.py).
    inhabitants = gem_ind[gem_ind["indicator_id"] == ("kl_einwohner" if own else "gem_bevoelkerung")]
    population = {(a, p[:4]): v for a, p, v in zip(inhabitants["area_id"], inhabitants["period"], inhabitants["value"])}
    result = suppress(pd.concat([kreis_ind, gem_ind], ignore_index=True), kreis,
                      {k: sr["gemeinden"] for k, sr in planning.items()},
                      {ind["id"]: ind["part_of"] for ind in catalogue if "part_of" in ind}, min_count,
                      pd.Series(population, dtype=float), {ind["id"]: ind["min_population"] for ind in catalogue if "min_population" in ind})
    synthetic_ids = {ind["id"] for ind in catalogue if uses_datasets(ind, set(own))} \
        if district.get("small_area_data", {}).get("synthetic") else set()
    result["synthetic"] = result["indicator_id"].isin(synthetic_ids)
    if district.get("targets"):
        from sozialbericht.planning import targets_status

        planning_tables["ziele"] = targets_status(result, district["targets"], kreis, year,
                                                  {ind["id"]: ind for ind in catalogue})

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
    for name, table in planning_tables.items():
        write_tidy(table, out_dir / f"{name}.csv")
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
        "sozialraeume": {k: {"name": sr["name"], "gemeinden": sr["gemeinden"]} for k, sr in planning.items()},
        "synthetic_indicators": sorted(synthetic_ids),
        "disclosure": {"min_count": min_count},
        "planning": {k: v for k, v in (planning_settings or {}).items()},
        "planning_tables": sorted(planning_tables),
        "previous": previous_report(kreis_ind, previous_csv, kreis, land),
        "data_quality": quality or {},
        "sources": {name: {k: spec[k] for k in ("table", "title", "statistic", "attribution", "licence")}
                    for name, spec in sorted(datasets.items())},
        "catalogue": catalogue,
    }
    (out_dir / "context.json").write_text(json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return context
