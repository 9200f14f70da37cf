"""Everything the report of one district and year needs, from its national slice and its own data.

Reads ``results/national/<year>/`` (the Kreis-level indicators of its Land, its Kreis slice) and
the district's staged small-area tables; writes into the district's work folder:
``indikatoren.csv`` (Kreis, Land, Germany, the Kreise of the Land, the Gemeinden, Sozialräume and
Gemeindeverbände; disclosure-controlled), ``pyramide.csv``, ``gemeinden.geojson``, the planning
tables (projection, social index, counselling supply, targets), ``context.json`` (names,
reference dates, sources, territorial changes, assumptions for the text) and what
``district_outlook`` adds (comparison group and table, demand, intervals of small-area rates).

``build`` runs these steps in order: ``read_national_slice`` → ``harmonise_territory`` (the
Gemeinden on the current territory) → the district's own tables → ``areas_below_kreis``
(Sozialräume, Gemeindeverbände) → ``gemeinde_indicators`` → ``planning_analyses`` (projection,
social index, counselling supply) → ``controlled_table`` (disclosure control, the catalogue's
order) → ``mark_synthetic`` → targets → ``district_outlook`` (comparison group and table, demand,
intervals of the small-area rates) → ``outlook_export`` (their values in the published table) →
``write_tables`` → ``report_context``. Its inputs:
``YearInputs`` (shared by every report of the year) and ``DistrictInputs`` (the district's own).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute import district_outlook, gemeinde_projection, indicators, outlook_export
from sozialbericht.compute import projection as proj
from sozialbericht.compute.changes import previous_report
from sozialbericht.compute.disclosure import suppress
from sozialbericht.core.errors import InputError
from sozialbericht.core.files import read_tidy, write_tidy
from sozialbericht.core.territory import ags_of, harmonise, read_changes
from sozialbericht.core.tidy import area_level


@dataclass(frozen=True)
class YearInputs:
    """What the reports of one year share: the national results and the project's configuration."""

    year: int
    national_dir: Path  # results/national/<year>/
    catalogue: list  # the indicator catalogue (config/indicators.yaml)
    datasets: dict  # config/datasets.yaml (the sources the report cites)
    laender: dict  # config/laender.yaml
    settings: dict  # the planning settings of config.yaml (social_index, projection, counselling, disclosure, report)
    backtest: dict | None = None  # the national back-test the method text cites


@dataclass(frozen=True)
class DistrictInputs:
    """One district's own inputs besides the national results."""

    config: dict  # the resolved district configuration
    own_tables: dict[str, Path] = field(default_factory=dict)  # staged small-area tables by dataset
    previous_csv: Path | None = None  # the previous year's published indikatoren.csv
    quality: dict | None = None  # the data-quality findings for the annex
    counselling: dict | None = None  # the providers of the counselling data standard (receipts)
    participants: list | None = None  # the participants' weighting workbooks (ingest/participation.py)


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


# --- the steps of ``build`` ------------------------------------------------------------------------
@dataclass
class NationalSlice:
    """The district's part of the national results (``results/national/<year>/``)."""

    folder: Path  # kreise/<Kreis>/: directory, changes, Zensus, projection, pyramid, boundaries
    meta: dict  # kreis.json: names, Land, calibration of the projection, Kreis reforms
    kreis_indicators: pd.DataFrame  # laender/<Land>.csv: the Kreise of the Land, the Land, Germany


@dataclass
class Territory:
    """The district's Gemeinden on the territory of the newest directory of its range."""

    directory: pd.DataFrame  # the directories of the district's range, as published
    harmonised: pd.DataFrame  # their Gemeinde rows summed onto the current territory
    applied: list[dict]  # the territorial changes applied (declared or derived)
    gemeinden: dict[str, str]  # ARS → name
    zensus: pd.DataFrame  # Zensus 2022 on the current Gemeinden


@dataclass
class Areas:
    """The areas below the Kreis that the report shows besides the Gemeinden."""

    sozialraeume: dict[str, dict]  # "<Kreis>-<id>" → config entry
    verbaende: dict[str, dict]  # 9-digit ARS → {name, art, gemeinden}
    groups: list[dict[str, str]]  # Gemeinde → area, one mapping per kind of area
    names: dict[str, str]  # area key → name (Gemeinden, Sozialräume, Verbände, the Kreis)


@dataclass
class Planning:
    """What the planning analyses add: tables of their own and indicator rows."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # name → table (written as <name>.csv)
    rows: list[dict] = field(default_factory=list)  # indicator_id, area_id, period, value
    gemeinde_method: dict | None = None  # what the distribution to the Gemeinden did, with its back-test


def read_national_slice(cfg: dict, shared: YearInputs) -> NationalSlice:
    """The district's slice and its Land's Kreis-level indicators; a Kreis without a slice (not in
    the report year's tables) stops with a German message."""
    kreis, land = cfg["kreis"], cfg["kreis"][:2]
    folder = shared.national_dir / "kreise" / kreis
    if not folder.exists():
        raise InputError(
            _config_file(cfg),
            f"der Kreis {kreis} hat im Berichtsjahr {shared.year} keine Daten in den bundesweiten Tabellen",
            where="Schlüssel 'kreis'",
            found=kreis,
            expected="einen Kreis, der im Berichtsjahr besteht",
            hint="das Berichtsjahr oder den Kreisschlüssel prüfen (Kreisreformen ändern den Schlüssel)",
        )
    meta = json.loads((folder / "kreis.json").read_text(encoding="utf-8"))
    kreis_ind = read_tidy(shared.national_dir / "laender" / f"{land}.csv")
    return NationalSlice(folder, meta, kreis_ind.assign(numerator=np.nan))


def _config_file(cfg: dict) -> str:
    return cfg.get("_file", f"config/districts/{cfg['id']}.yaml")


def _directory_years(cfg: dict, directory: pd.DataFrame) -> tuple[int, int]:
    """The first and last directory year of the district: declared, or every directory up to the
    newest in which the Kreis still has Gemeinden of its own."""
    if "gemeinde_years" in cfg:
        first, last = cfg["gemeinde_years"]
        return first, last
    kreis = cfg["kreis"]
    own_rows = directory[(directory["area_level"] == "gemeinde") & (directory["area_id"].str[:5] == kreis)]
    first = int(directory["period"].min()[:4])
    last = int(own_rows["period"].max()[:4]) if len(own_rows) else int(directory["period"].max()[:4])
    return first, last


def harmonise_territory(cfg: dict, folder: Path) -> Territory:
    """The district's range of directories on the territory of the newest, with its own declared
    territorial changes winning over the derived ones; the Zensus on the same Gemeinden."""
    kreis = cfg["kreis"]
    directory = read_tidy(folder / "verzeichnis.csv")
    first, last = _directory_years(cfg, directory)
    directory = directory[directory["period"].str[:4].astype(int).between(first, last)]
    changes = read_changes(folder / "aenderungen.csv")
    changes = changes[
        changes["period_from"].str[:4].astype(int).between(first, last)
        & changes["period_to"].str[:4].astype(int).between(first, last)
    ]
    gv_h, applied = harmonise(directory, kreis, changes, cfg.get("territorial_changes", []), _config_file(cfg))
    gemeinden = dict(
        gv_h.sort_values("period").drop_duplicates("area_id", keep="last")[["area_id", "area_name"]].itertuples(index=False)
    )
    by_ags = {ags_of(a): a for a in gemeinden}
    zensus = read_tidy(folder / "zensus.csv")
    zensus = zensus.assign(area_id=zensus["area_id"].map(ags_of).map(by_ags)).dropna(subset=["area_id"])
    return Territory(directory, gv_h, applied, gemeinden, zensus)


def areas_below_kreis(cfg: dict, territory: Territory, kreis_name: str, settings: dict) -> Areas:
    """Sozialräume (checked against the Gemeinden) and, in large Kreise, Gemeindeverbände, with the
    names of every area."""
    gemeinden = territory.gemeinden
    planning_areas = sozialraeume(cfg, gemeinden, _config_file(cfg))
    groups = [{g: sr_id for sr_id, sr in planning_areas.items() for g in sr["gemeinden"]}]
    verband = verbaende(territory.directory, sorted(gemeinden), settings.get("report", {}).get("verbaende_ab_gemeinden", 60))
    if verband:
        groups.append({g: v for v, info in verband.items() for g in info["gemeinden"]})
    names = {
        **gemeinden,
        **{k: sr["name"] for k, sr in planning_areas.items()},
        **{k: v["name"] for k, v in verband.items()},
        cfg["kreis"]: kreis_name,
    }
    return Areas(planning_areas, verband, groups, names)


def gemeinde_tables(territory: Territory, own: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What the Gemeinde indicators are computed from: the district's own tables, the official
    directory and Zensus on the current territory."""
    return {**own, "gemeindeverzeichnis": territory.harmonised, "zensus2022": territory.zensus}


def gemeinde_indicators(catalogue: list, territory: Territory, areas: Areas, own: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The catalogue applied to the Gemeinden, Sozialräume and Verbände (official directory and
    Zensus on the current territory, plus the district's own tables)."""
    g_tables = gemeinde_tables(territory, own)
    base_year = int(territory.harmonised["period"].min()[:4])
    return indicators.compute(catalogue, g_tables, "gemeinde", areas.names, base_year=base_year, groups=areas.groups)


def _change_row(area: str, target: int, now: float, then: float) -> dict:
    return {"indicator_id": "prognose_veraenderung", "area_id": area, "period": str(target), "value": (now - then) / then * 100}


def add_projection(
    planning: Planning, kreis: str, year: int, slice_: NationalSlice, territory: Territory, own: dict, pconf: dict
):
    """The Kreis projection as integers, its distribution to the Gemeinden (with the Gemeinde
    back-test of the Kreis) and the projected change of the Kreis and of every inhabited Gemeinde."""
    prognose = pd.read_csv(slice_.folder / "prognose.csv", dtype={"area_id": str, "variant": str, "group": str})
    if not len(prognose):
        return
    kreis_prog = proj.kreis_projection_integers(prognose)
    planning.tables["prognose"] = kreis_prog
    mid = kreis_prog[kreis_prog["variant"] == "mittel"]
    target = int(mid["year"].max())
    gv_h = territory.harmonised
    history = gv_h[(gv_h["variable"] == "bevoelkerung") & (gv_h["period"].str[:4].astype(int) <= year)]
    history = history.assign(year=history["period"].str[:4].astype(int))[["area_id", "year", "value"]]
    gem_prog, gem_model = gemeinde_projection.distribute(
        mid.drop(columns="variant"), history, own.get("bevoelkerung_gemeinden"), year, pconf
    )
    several = len(territory.gemeinden) > 1
    if several:
        planning.tables["prognose_gemeinden"] = gem_prog
        from sozialbericht.compute.backtest import kreis_gemeinde_backtest

        planning.gemeinde_method = {**gem_model.as_context(), "rueckblick": kreis_gemeinde_backtest(history, year, pconf)}
    total = mid[mid["group"] == "insgesamt"].set_index("year")["value"]
    planning.rows.append(_change_row(kreis, target, total[target], total[year]))
    g = gem_prog[gem_prog["group"] == "insgesamt"].pivot_table(index="area_id", columns="year", values="value")
    if several:
        for area in g.index[g[year] > 0]:  # uninhabited areas (gemeindefreie Gebiete) have no rate of change
            planning.rows.append(_change_row(area, target, g.at[area, target], g.at[area, year]))


def add_social_index(
    planning: Planning, gem_ind: pd.DataFrame, settings: dict, year: int, gemeinden: dict[str, str], participants: list | None
):
    """The social index of the Gemeinden (status and dynamics) as a table and as indicator rows,
    with the participants' consensus weights where they delivered, and what the weights do to it
    (weights, class changes, robustness: compute/planning.weighting_tables)."""
    from sozialbericht.compute.planning import compute_social_index, index_weights, weighting_tables

    weights = index_weights(settings["social_index"], participants)
    index, excluded = compute_social_index(gem_ind, settings["social_index"], year, sorted(gemeinden), weights)
    planning.tables.update(weighting_tables(gem_ind, settings["social_index"], year, index, participants))
    planning.tables["sozialindex"] = index.reset_index().rename(columns={"index": "area_id"})
    for area, r in index.iterrows():
        planning.rows.append(
            {"indicator_id": "sozialindex_status", "area_id": area, "period": str(year), "value": r["status_index"]}
        )
        planning.rows.append(
            {"indicator_id": "sozialindex_dynamik", "area_id": area, "period": str(year), "value": r["dynamik_index"]}
        )
    planning.tables["sozialindex_ausgeschlossen"] = pd.DataFrame({"area_id": excluded})


def add_counselling(planning: Planning, own: dict, names: dict[str, str], folder: Path, year: int, settings: dict):
    """The counselling supply per site and the travel distances of the counselled."""
    from sozialbericht.compute.planning import counselling_supply

    geo = json.loads((folder / "gemeinden.geojson").read_text(encoding="utf-8"))
    stellen = own["beratung_stellen"].assign(area_name=lambda d: d["area_id"].map(names).fillna(""))
    supply, travel = counselling_supply(
        stellen, own["beratung_faelle"], own["bevoelkerung_gemeinden"], geo, year, settings["counselling"]["benchmarks"]
    )
    planning.tables["beratung_versorgung"], planning.tables["beratung_wege"] = supply, travel


def planning_analyses(
    cfg: dict,
    shared: YearInputs,
    slice_: NationalSlice,
    territory: Territory,
    areas: Areas,
    own: dict,
    gem_ind: pd.DataFrame,
    participants: list | None = None,
) -> Planning:
    """Projection, social index and counselling supply, as far as the district's data and the
    settings allow."""
    settings, year, gemeinden = shared.settings, shared.year, territory.gemeinden
    planning = Planning()
    add_projection(planning, cfg["kreis"], year, slice_, territory, own, settings.get("projection", {}))
    if "social_index" in settings and own and len(gemeinden) > 2:
        add_social_index(planning, gem_ind, settings, year, gemeinden, participants)
    if "counselling" in settings and "beratung_faelle" in own:
        add_counselling(planning, own, areas.names, slice_.folder, year, settings)
    return planning


def model_indicators(rows: list[dict], catalogue: list, names: dict[str, str]) -> pd.DataFrame:
    """The planning analyses' indicator rows in the columns of the indicator table."""
    cat = {ind["id"]: ind for ind in catalogue}
    model = pd.DataFrame(rows, columns=["indicator_id", "area_id", "period", "value"])
    if len(model):
        model = model.assign(
            unit=model["indicator_id"].map(lambda i: cat[i]["unit"]),
            flag="",
            area_name=model["area_id"].map(names).fillna(""),
            area_level=model["area_id"].map(area_level),
            numerator=np.nan,
        )
    return model


def own_data_indicators(catalogue: list, own: dict) -> set[str]:
    """The indicators derived from the district's own small-area data (and the social index)."""
    return {ind["id"] for ind in catalogue if uses_datasets(ind, set(own))} | {"sozialindex_status", "sozialindex_dynamik"}


def controlled_table(
    kreis_ind: pd.DataFrame, gem_ind: pd.DataFrame, own_ids: set[str], kreis: str, areas: Areas, catalogue: list, settings: dict
) -> pd.DataFrame:
    """The published indicator table in the catalogue's order, with disclosure control.

    The one place where small counts are suppressed (see disclosure.py): the official tables are
    already published under § 16 BStatG; what needs control here are the values derived from the
    district's own small-area data."""
    controlled = gem_ind[gem_ind["indicator_id"].isin(own_ids)]
    if len(controlled):
        inhabitants = gem_ind[gem_ind["indicator_id"] == "kl_einwohner"]
        population = {(a, p[:4]): v for a, p, v in zip(inhabitants["area_id"], inhabitants["period"], inhabitants["value"])}
        controlled = suppress(
            controlled,
            kreis,
            {k: sr["gemeinden"] for k, sr in areas.sozialraeume.items()},
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
    return result.drop(columns="_o").reset_index(drop=True)


#: Values of the projection: the Kreis's rest on official data only, its Gemeinden's on their shares.
PROJECTED = {"prognose_veraenderung", *outlook_export.CHILD_INDICATORS.values(), outlook_export.CARE_INDICATOR}


def mark_synthetic(result: pd.DataFrame, kreis: str, synthetic_ids: set[str]) -> None:
    """Column ``synthetic``: the value rests on the district's synthetic example data (the Kreis's
    own projection rests on official data only; its Gemeinde shares on the small-area data)."""
    result["synthetic"] = (
        result["indicator_id"].isin(synthetic_ids)
        & (result["area_level"] != "bund")
        & (result["area_level"] != "land")
        & ~((result["area_level"] == "kreis") & (result["area_id"] != kreis))
        & ~(result["indicator_id"].isin(PROJECTED) & (result["area_level"] == "kreis"))
    )


def write_tables(out_dir: Path, result: pd.DataFrame, tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """The district's work folder: the published indicator table, the planning tables, the
    pyramid and the boundaries of its slice."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_tidy(result, out_dir / "indikatoren.csv", published=True)
    for name, table in tables.items():
        write_tidy(table, out_dir / f"{name}.csv")
    shutil.copyfile(folder / "pyramide.csv", out_dir / "pyramide.csv")
    shutil.copyfile(folder / "gemeinden.geojson", out_dir / "gemeinden.geojson")


def reference_dates(result: pd.DataFrame, catalogue: list, kreis: str, year: int) -> dict[str, dict]:
    """Per dataset the reference dates of the Kreis's values up to the report year: the newest and all."""
    dataset_of = {ind["id"]: ind.get("numerator", {}).get("dataset") for ind in catalogue}
    stand = {}
    for ind_id, d in result[result["area_id"] == kreis].groupby("indicator_id"):
        ds = dataset_of.get(ind_id)
        if ds:
            stand.setdefault(ds, set()).update(p for p in d[d["value"].notna()]["period"] if int(p[:4]) <= year)
    latest = {ds: max(ps) for ds, ps in stand.items() if ps}
    return {ds: {"latest": latest.get(ds), "all": sorted(stand.get(ds, []))} for ds in sorted(set(latest) | set(stand))}


def report_context(
    district: DistrictInputs,
    shared: YearInputs,
    slice_: NationalSlice,
    territory: Territory,
    areas: Areas,
    planning: Planning,
    result: pd.DataFrame,
    synthetic_ids: set[str],
    own: dict,
) -> dict:
    """What the report's text needs besides the tables (``context.json``): names, reference dates,
    sources, territorial changes, assumptions, the previous report and the data quality."""
    cfg, settings, laender = district.config, shared.settings, shared.laender
    kreis, meta = cfg["kreis"], slice_.meta
    land = kreis[:2]
    synthetic = bool(cfg.get("small_area_data", {}).get("synthetic"))
    return {
        "district": {k: v for k, v in cfg.items() if not k.startswith("_")},
        "year": shared.year,
        "kreis": meta,
        "land": meta["land"],
        "kreis_name": meta["name"],
        "periods": reference_dates(result, shared.catalogue, kreis, shared.year),
        "gemeinde_periods": sorted(territory.harmonised["period"].unique()),
        "gemeinden": territory.gemeinden,
        # uninhabited gemeindefreie Gebiete: in the tables, but no Gemeinde in any count
        "gemeinden_unbewohnt": uninhabited(territory.harmonised),
        "verbaende": areas.verbaende,
        "territorial_changes": territory.applied,
        "sozialraeume": {k: {"name": sr["name"], "gemeinden": sr["gemeinden"]} for k, sr in areas.sozialraeume.items()},
        "synthetic": synthetic and bool(own),
        "own_data": sorted(own),
        "synthetic_indicators": sorted(synthetic_ids),
        "disclosure": {"min_count": settings.get("disclosure", {}).get("min_count", 3)},
        "planning": {k: settings[k] for k in ("social_index", "projection", "counselling", "handlungsbedarfe") if k in settings},
        "planning_tables": sorted(planning.tables),
        "land_annahmen": {k: v for k, v in laender["laender"][land].items() if k != "beratung"},
        "beratung": cfg.get("beratung")
        or laender["laender"][land].get("beratung")
        or {"rechtsgrundlage": "", "text": laender.get("beratung_standard", "")},
        "projection": {
            "kalibrierung": meta.get("kalibrierung"),
            "backtest": shared.backtest or {},
            "gemeinden": planning.gemeinde_method,
        },
        "previous": previous_report(slice_.kreis_indicators, district.previous_csv, kreis, land),
        "data_quality": district.quality or {},
        "sources": {
            name: {k: spec[k] for k in ("table", "title", "statistic", "attribution", "licence")}
            for name, spec in sorted(shared.datasets.items())
        },
        "catalogue": shared.catalogue,
        # the providers of the counselling data standard: status, problems and their figures (receipts)
        "beratung_traeger": district.counselling,
        "auf_einen_blick": cfg.get("auf_einen_blick") or settings.get("report", {}).get("auf_einen_blick", []),
    }


def build(district: DistrictInputs, shared: YearInputs, out_dir: Path) -> dict:
    """Compute and write everything the report of ``district`` for ``shared.year`` needs into
    ``out_dir``; returns the report's context (also written as ``context.json``)."""
    cfg, catalogue, settings = district.config, shared.catalogue, shared.settings
    kreis = cfg["kreis"]
    slice_ = read_national_slice(cfg, shared)
    territory = harmonise_territory(cfg, slice_.folder)
    own = {name: read_tidy(path) for name, path in (district.own_tables or {}).items()}
    areas = areas_below_kreis(cfg, territory, slice_.meta["name"], settings)
    gem_ind = gemeinde_indicators(catalogue, territory, areas, own)
    planning = planning_analyses(cfg, shared, slice_, territory, areas, own, gem_ind, district.participants)
    gem_ind = pd.concat([gem_ind, model_indicators(planning.rows, catalogue, areas.names)], ignore_index=True)
    own_ids = own_data_indicators(catalogue, own)
    result = controlled_table(slice_.kreis_indicators, gem_ind, own_ids, kreis, areas, catalogue, settings)
    if cfg.get("targets"):
        from sozialbericht.compute.planning import targets_status

        planning.tables["ziele"] = targets_status(
            result, cfg["targets"], kreis, shared.year, {ind["id"]: ind for ind in catalogue}
        )
    rates = district_outlook.SmallAreaRates(gem_ind, gemeinde_tables(territory, own), areas.groups)
    outlook = district_outlook.compute(
        cfg, _config_file(cfg), shared, slice_.folder, result, rates, planning.tables.get("prognose")
    )
    result = outlook_export.extend(result, outlook, catalogue, kreis, planning.tables.get("prognose_gemeinden"))
    synthetic = bool(cfg.get("small_area_data", {}).get("synthetic"))
    synthetic_ids = own_ids | PROJECTED if synthetic and own else set()
    mark_synthetic(result, kreis, synthetic_ids)
    result = result[[*indicators.OUTPUT_COLUMNS, "synthetic", *outlook_export.COLUMNS]]  # the published contract
    write_tables(out_dir, result, planning.tables, slice_.folder)
    district_outlook.write(outlook, shared.national_dir, out_dir)
    context = report_context(district, shared, slice_, territory, areas, planning, result, synthetic_ids, own)
    (out_dir / "context.json").write_text(
        json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True, default=str), encoding="utf-8"
    )
    return context
