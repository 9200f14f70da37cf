"""Everything the report of one district and year needs, from its national slice and its own data.

Reads ``results/national/<year>/`` (the Kreis-level indicators of its Land, its Kreis slice) and
the district's staged small-area tables; writes into the district's work folder:
``indikatoren.csv`` (Kreis, Land, Germany, the Kreise of the Land, the Gemeinden, Sozialräume and
Gemeindeverbände; disclosure-controlled), ``pyramide.csv``, ``gemeinden.geojson``, the planning
tables (projection, social index, counselling supply, targets) and ``context.json`` (names,
reference dates, sources, territorial changes, assumptions for the text).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute import gemeinde_projection, indicators
from sozialbericht.compute import projection as proj
from sozialbericht.compute.disclosure import suppress
from sozialbericht.core.errors import InputError
from sozialbericht.core.files import read_tidy, write_tidy
from sozialbericht.core.territory import ags_of, harmonise, read_changes
from sozialbericht.core.tidy import area_level

NATIONAL_DATASETS_GEMEINDE = ("gemeindeverzeichnis", "zensus2022")


def previous_report(current: pd.DataFrame, previous_csv: Path | None, kreis: str, land: str) -> dict | None:
    """Newest values of the previous year's published report next to this report's, for the
    district, its Land and Germany; plus the number of values of the same dates that were revised."""
    if previous_csv is None or not Path(previous_csv).exists():
        return None
    from sozialbericht.compute.changes import compare, read_indicators

    old = read_indicators(previous_csv)
    rows = []
    for (ind, area), now in current[current["area_id"].isin([kreis, land, "DG"])].groupby(
        ["indicator_id", "area_id"], sort=False
    ):
        before = old[(old["indicator_id"] == ind) & (old["area_id"] == area)]
        if before.empty:
            continue
        a, b = before.sort_values("period").iloc[-1], now.sort_values("period").iloc[-1]
        rows.append(
            {
                "indicator_id": ind,
                "area_id": area,
                "period_prev": a["period"],
                "value_prev": a["value"],
                "flag_prev": a["flag"],
                "period_now": b["period"],
                "value_now": b["value"],
                "flag_now": b["flag"],
            }
        )
    revised = compare(
        old[old["area_id"].isin([kreis, land, "DG"])], current[current["area_id"].isin([kreis, land, "DG"])], 0.0
    ).changed
    return {"file": Path(previous_csv).name, "rows": rows, "revised": int(len(revised))}


def sozialraeume(district: dict, gemeinden: dict[str, str], config_file: str) -> dict[str, dict]:
    """Planning areas of the district: area id "<Kreis>-<id>" → config entry (members checked)."""
    out = {}
    for sr in district.get("sozialraeume", []):
        unknown = sorted(set(sr["gemeinden"]) - set(gemeinden))
        if unknown:
            raise InputError(
                config_file,
                f"Sozialraum „{sr['id']}“ nennt Gemeinden, die keine aktuellen Gemeinden des Kreises sind",
                where="Schlüssel 'sozialraeume'",
                found=unknown,
                expected="zwölfstellige ARS der Gemeinden, z. B. "
                + ", ".join(f"{a} ({n})" for a, n in list(gemeinden.items())[:3]),
            )
        out[f"{district['kreis']}-{sr['id']}"] = sr
    return out


def verbaende(directory: pd.DataFrame, gemeinden: list[str], min_gemeinden: int) -> dict[str, dict]:
    """Gemeindeverbände (Verbandsgemeinden, Ämter, Samtgemeinden, Verwaltungsgemeinschaften) of
    the newest directory, when the Kreis has at least ``min_gemeinden`` Gemeinden: 9-digit ARS →
    {name, kind, members}. Empty for smaller Kreise (their Gemeinden are shown one by one)."""
    if len(gemeinden) < min_gemeinden:
        return {}
    from sozialbericht.core.areas import TEXTKENNZEICHEN

    latest = directory["period"].max()
    rows = directory[(directory["area_level"] == "gemeindeverband") & (directory["period"] == latest)]
    out = {}
    for ars, name, tkz in zip(rows["area_id"], rows["area_name"], rows["value"]):
        members = [g for g in gemeinden if g[:9] == ars]
        if members:
            out[ars] = {"name": name, "art": TEXTKENNZEICHEN.get(int(tkz), "Gemeindeverband"), "gemeinden": members}
    return out


def uses_datasets(ind: dict, names: set[str]) -> bool:
    return any(ind[k]["dataset"] in names for k in ("numerator", "denominator", "subtract") if k in ind)


def uninhabited(directory: pd.DataFrame) -> list[str]:
    """The areas of the Gemeinde directory without inhabitants at its newest date (the gemeindefreie
    Gebiete: forests, lakes, military areas)."""
    pop = directory[(directory["variable"] == "bevoelkerung") & (directory["period"] == directory["period"].max())]
    return sorted(pop[pop["value"] == 0]["area_id"])


def build(
    district: dict,
    year: int,
    national_dir: Path,
    catalogue: list,
    datasets: dict,
    laender: dict,
    settings: dict,
    out_dir: Path,
    own_tables: dict[str, Path] | None = None,
    previous_csv: Path | None = None,
    quality: dict | None = None,
    backtest: dict | None = None,
    counselling: dict | None = None,
) -> dict:
    """Compute and write everything the report of ``district`` (its resolved config) for ``year`` needs."""
    kreis, land = district["kreis"], district["kreis"][:2]
    config_file = district.get("_file", f"config/districts/{district['id']}.yaml")
    slice_dir = national_dir / "kreise" / kreis
    if not slice_dir.exists():
        raise InputError(
            config_file,
            f"der Kreis {kreis} hat im Berichtsjahr {year} keine Daten in den bundesweiten Tabellen",
            where="Schlüssel 'kreis'",
            found=kreis,
            expected="einen Kreis, der im Berichtsjahr besteht",
            hint="das Berichtsjahr oder den Kreisschlüssel prüfen (Kreisreformen ändern den Schlüssel)",
        )
    meta = json.loads((slice_dir / "kreis.json").read_text(encoding="utf-8"))
    kreis_ind = read_tidy(national_dir / "laender" / f"{land}.csv")
    kreis_ind = kreis_ind.assign(numerator=np.nan)

    # Gemeinden: the district's range of directories, on the territory of the newest, with its own
    # declared territorial changes winning over the derived ones.
    directory = read_tidy(slice_dir / "verzeichnis.csv")
    if "gemeinde_years" in district:
        first, last = district["gemeinde_years"]
    else:  # every directory, up to the newest in which the Kreis still has Gemeinden of its own
        own_rows = directory[(directory["area_level"] == "gemeinde") & (directory["area_id"].str[:5] == kreis)]
        first = int(directory["period"].min()[:4])
        last = int(own_rows["period"].max()[:4]) if len(own_rows) else int(directory["period"].max()[:4])
    directory = directory[directory["period"].str[:4].astype(int).between(first, last)]
    changes = read_changes(slice_dir / "aenderungen.csv")
    changes = changes[
        changes["period_from"].str[:4].astype(int).between(first, last)
        & changes["period_to"].str[:4].astype(int).between(first, last)
    ]
    gv_h, applied = harmonise(directory, kreis, changes, district.get("territorial_changes", []), config_file)
    gemeinden = dict(
        gv_h.sort_values("period").drop_duplicates("area_id", keep="last")[["area_id", "area_name"]].itertuples(index=False)
    )
    by_ags = {ags_of(a): a for a in gemeinden}
    zensus = read_tidy(slice_dir / "zensus.csv")
    zensus = zensus.assign(area_id=zensus["area_id"].map(ags_of).map(by_ags)).dropna(subset=["area_id"])
    own = {name: read_tidy(path) for name, path in (own_tables or {}).items()}
    planning_areas = sozialraeume(district, gemeinden, config_file)
    groups = [{g: sr_id for sr_id, sr in planning_areas.items() for g in sr["gemeinden"]}]
    verband = verbaende(directory, sorted(gemeinden), settings.get("report", {}).get("verbaende_ab_gemeinden", 60))
    if verband:
        groups.append({g: v for v, info in verband.items() for g in info["gemeinden"]})
    names = {
        **gemeinden,
        **{k: sr["name"] for k, sr in planning_areas.items()},
        **{k: v["name"] for k, v in verband.items()},
        kreis: meta["name"],
    }
    g_tables = {**own, "gemeindeverzeichnis": gv_h, "zensus2022": zensus}
    gem_ind = indicators.compute(catalogue, g_tables, "gemeinde", names, base_year=int(gv_h["period"].min()[:4]), groups=groups)

    # Planning: projection, social index, counselling, targets.
    from sozialbericht.compute import planning

    cat = {ind["id"]: ind for ind in catalogue}
    tables_out: dict[str, pd.DataFrame] = {}
    model_rows = []
    gemeinde_method = None
    pconf = settings.get("projection", {})
    prognose = pd.read_csv(slice_dir / "prognose.csv", dtype={"area_id": str, "variant": str, "group": str})
    if len(prognose):
        kreis_prog = proj.kreis_projection_integers(prognose)
        tables_out["prognose"] = kreis_prog
        mid = kreis_prog[kreis_prog["variant"] == "mittel"]
        target = int(mid["year"].max())
        history = gv_h[(gv_h["variable"] == "bevoelkerung") & (gv_h["period"].str[:4].astype(int) <= year)]
        history = history.assign(year=history["period"].str[:4].astype(int))[["area_id", "year", "value"]]
        gem_prog, gem_model = gemeinde_projection.distribute(
            mid.drop(columns="variant"), history, own.get("bevoelkerung_gemeinden"), year, pconf
        )
        if len(gemeinden) > 1:
            tables_out["prognose_gemeinden"] = gem_prog
            from sozialbericht.compute.backtest import kreis_gemeinde_backtest

            gemeinde_method = {**gem_model.as_context(), "rueckblick": kreis_gemeinde_backtest(history, year, pconf)}
        total = mid[mid["group"] == "insgesamt"].set_index("year")["value"]
        model_rows.append(
            {
                "indicator_id": "prognose_veraenderung",
                "area_id": kreis,
                "period": str(target),
                "value": (total[target] - total[year]) / total[year] * 100,
            }
        )
        g = gem_prog[gem_prog["group"] == "insgesamt"].pivot_table(index="area_id", columns="year", values="value")
        if len(gemeinden) > 1:
            for area in g.index[g[year] > 0]:  # uninhabited areas (gemeindefreie Gebiete) have no rate of change
                model_rows.append(
                    {
                        "indicator_id": "prognose_veraenderung",
                        "area_id": area,
                        "period": str(target),
                        "value": (g.at[area, target] - g.at[area, year]) / g.at[area, year] * 100,
                    }
                )
    if "social_index" in settings and own and len(gemeinden) > 2:
        index, excluded = planning.compute_social_index(gem_ind, settings["social_index"], year, sorted(gemeinden))
        tables_out["sozialindex"] = index.reset_index().rename(columns={"index": "area_id"})
        for area, r in index.iterrows():
            model_rows.append(
                {"indicator_id": "sozialindex_status", "area_id": area, "period": str(year), "value": r["status_index"]}
            )
            model_rows.append(
                {"indicator_id": "sozialindex_dynamik", "area_id": area, "period": str(year), "value": r["dynamik_index"]}
            )
        tables_out["sozialindex_ausgeschlossen"] = pd.DataFrame({"area_id": excluded})
    geo = json.loads((slice_dir / "gemeinden.geojson").read_text(encoding="utf-8"))
    if "counselling" in settings and "beratung_faelle" in own:
        stellen = own["beratung_stellen"].assign(area_name=lambda d: d["area_id"].map(names).fillna(""))
        supply, travel = planning.counselling_supply(
            stellen, own["beratung_faelle"], own["bevoelkerung_gemeinden"], geo, year, settings["counselling"]["benchmarks"]
        )
        tables_out["beratung_versorgung"], tables_out["beratung_wege"] = supply, travel
    model = pd.DataFrame(model_rows, columns=["indicator_id", "area_id", "period", "value"])
    if len(model):
        model = model.assign(
            unit=model["indicator_id"].map(lambda i: cat[i]["unit"]),
            flag="",
            area_name=model["area_id"].map(names).fillna(""),
            area_level=model["area_id"].map(area_level),
            numerator=np.nan,
        )
    gem_ind = pd.concat([gem_ind, model], ignore_index=True)

    # Disclosure control: the one place where small counts are suppressed (see disclosure.py). The
    # official tables are already published under § 16 BStatG; what needs control here are the
    # values derived from the district's own small-area data.
    own_ids = {ind["id"] for ind in catalogue if uses_datasets(ind, set(own))} | {"sozialindex_status", "sozialindex_dynamik"}
    controlled = gem_ind[gem_ind["indicator_id"].isin(own_ids)]
    if len(controlled):
        inhabitants = gem_ind[gem_ind["indicator_id"] == "kl_einwohner"]
        population = {(a, p[:4]): v for a, p, v in zip(inhabitants["area_id"], inhabitants["period"], inhabitants["value"])}
        controlled = suppress(
            controlled,
            kreis,
            {k: sr["gemeinden"] for k, sr in planning_areas.items()},
            {ind["id"]: ind["part_of"] for ind in catalogue if "part_of" in ind},
            settings.get("disclosure", {}).get("min_count", 3),
            pd.Series(population, dtype=float),
            {ind["id"]: ind["min_population"] for ind in catalogue if "min_population" in ind},
        )
    result = pd.concat(
        [
            kreis_ind.drop(columns="numerator"),
            gem_ind[~gem_ind["indicator_id"].isin(own_ids)].drop(columns="numerator"),
            controlled,
        ],
        ignore_index=True,
    )
    order = {ind["id"]: i for i, ind in enumerate(catalogue)}
    result = result.assign(_o=result["indicator_id"].map(order)).sort_values(["_o", "area_id", "period"], kind="stable")
    result = result.drop(columns="_o").reset_index(drop=True)
    synthetic = bool(district.get("small_area_data", {}).get("synthetic"))
    synthetic_ids = own_ids | {"prognose_veraenderung"} if synthetic and own else set()
    result["synthetic"] = (
        result["indicator_id"].isin(synthetic_ids)
        & (result["area_level"] != "bund")
        & (result["area_level"] != "land")
        & ~((result["area_level"] == "kreis") & (result["area_id"] != kreis))
        # the Kreis's own projection rests on official data only; its Gemeinde shares on the small-area data
        & ~((result["indicator_id"] == "prognose_veraenderung") & (result["area_level"] == "kreis"))
    )
    if district.get("targets"):
        tables_out["ziele"] = planning.targets_status(result, district["targets"], kreis, year, cat)

    out_dir.mkdir(parents=True, exist_ok=True)
    write_tidy(result, out_dir / "indikatoren.csv", published=True)
    for name, table in tables_out.items():
        write_tidy(table, out_dir / f"{name}.csv")
    shutil.copyfile(slice_dir / "pyramide.csv", out_dir / "pyramide.csv")
    shutil.copyfile(slice_dir / "gemeinden.geojson", out_dir / "gemeinden.geojson")

    dataset_of = {ind["id"]: ind.get("numerator", {}).get("dataset") for ind in catalogue}
    stand = {}
    for ind_id, d in result[result["area_id"] == kreis].groupby("indicator_id"):
        ds = dataset_of.get(ind_id)
        if ds:
            stand.setdefault(ds, set()).update(p for p in d[d["value"].notna()]["period"] if int(p[:4]) <= year)
    latest = {ds: max(ps) for ds, ps in stand.items() if ps}
    context = {
        "district": {k: v for k, v in district.items() if not k.startswith("_")},
        "year": year,
        "kreis": meta,
        "land": meta["land"],
        "kreis_name": meta["name"],
        "periods": {ds: {"latest": latest.get(ds), "all": sorted(stand.get(ds, []))} for ds in sorted(set(latest) | set(stand))},
        "gemeinde_periods": sorted(gv_h["period"].unique()),
        "gemeinden": gemeinden,
        # uninhabited gemeindefreie Gebiete: in the tables, but no Gemeinde in any count
        "gemeinden_unbewohnt": uninhabited(gv_h),
        "verbaende": verband,
        "territorial_changes": applied,
        "sozialraeume": {k: {"name": sr["name"], "gemeinden": sr["gemeinden"]} for k, sr in planning_areas.items()},
        "synthetic": synthetic and bool(own),
        "own_data": sorted(own),
        "synthetic_indicators": sorted(synthetic_ids),
        "disclosure": {"min_count": settings.get("disclosure", {}).get("min_count", 3)},
        "planning": {k: settings[k] for k in ("social_index", "projection", "counselling") if k in settings},
        "planning_tables": sorted(tables_out),
        "land_annahmen": {k: v for k, v in laender["laender"][land].items() if k != "beratung"},
        "beratung": district.get("beratung")
        or laender["laender"][land].get("beratung")
        or {"rechtsgrundlage": "", "text": laender.get("beratung_standard", "")},
        "projection": {"kalibrierung": meta.get("kalibrierung"), "backtest": backtest or {}, "gemeinden": gemeinde_method},
        "previous": previous_report(kreis_ind, previous_csv, kreis, land),
        "data_quality": quality or {},
        "sources": {
            name: {k: spec[k] for k in ("table", "title", "statistic", "attribution", "licence")}
            for name, spec in sorted(datasets.items())
        },
        "catalogue": catalogue,
        # the providers of the counselling data standard: status, problems and their figures (receipts)
        "beratung_traeger": counselling,
        "auf_einen_blick": district.get("auf_einen_blick") or settings.get("report", {}).get("auf_einen_blick", []),
    }
    (out_dir / "context.json").write_text(
        json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=str), encoding="utf-8"
    )
    return context
