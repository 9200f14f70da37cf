"""National work, done once per report year for every Kreis of Germany.

One vectorised pass over the staged national tables:

- territorial changes of all Gemeinden between the GV-ISys directories (``territory``), and the
  Kreis reforms (dissolved Kreise summed onto their successor where a count table lacks it);
- the indicator catalogue applied to every Kreis, Land, Germany and every Gemeinde (one table);
- the population projection of every Kreis (``projection``), with its migration variants;
- the comparable Kreise of every Kreis with its comparison table, and what its projection means
  for Kitas, schools and care (``national_outlook``);
- per Land the Kreis-level indicators of its Kreise, the Land and Germany
  (``results/national/<year>/laender/<Land>.csv``), and per Kreis a slice of everything else its
  report needs (``results/national/<year>/kreise/<Kreis>/``), so that a district's job only reads
  its slice (``national_slices``).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute import indicators
from sozialbericht.compute import national_outlook as outlook
from sozialbericht.compute import projection as proj
from sozialbericht.compute.demand import CareRates
from sozialbericht.compute.national_slices import SliceSources, write_outlook_tables, write_slices
from sozialbericht.core.ages import age_groups
from sozialbericht.core.areas import LAENDER, Kreis, district_ids, forms
from sozialbericht.core.files import read_tidy, write_tidy
from sozialbericht.core.territory import ags_of, derive_changes, sum_onto, to_territory

NATIONAL_GEMEINDE_DATASETS = ("gemeindeverzeichnis", "zensus2022")


def area_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Area key → name, the first name found (datasets in sorted order, newest period first)."""
    names: dict[str, str] = {}
    for _, df in sorted(tables.items()):
        latest = df[["area_id", "area_name", "period"]].sort_values("period", ascending=False).drop_duplicates("area_id")
        for a, n in zip(latest["area_id"], latest["area_name"]):
            if n and a not in names:
                names[a] = n.strip()
    return names


def kreis_metadata(directory: pd.DataFrame, boundaries: dict[str, Kreis], year: int) -> dict[str, Kreis]:
    """Every Kreis of the newest GV-ISys directory up to ``year`` (or of the boundaries) with its
    name forms; Kreise missing from the boundaries get their forms from the directory."""
    kinds = {41: "Kreisfreie Stadt", 42: "Stadtkreis", 43: "Kreis", 44: "Landkreis", 45: "Landkreis"}
    rows = directory[(directory["area_level"] == "kreis") & (directory["variable"] == "textkennzeichen")]
    out = dict(boundaries)
    for key, name, tkz in zip(rows["area_id"], rows["area_name"], rows["value"]):
        if key not in out:
            out[key] = forms(key, name.split(",")[0], kinds.get(int(tkz), "Landkreis"))
    return out


def reform_counts(df: pd.DataFrame, kreis_maps: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Add, for a Kreis formed by a merger of Kreise, the sum of its predecessors at the dates
    where the table has no value of its own (counts only; rates cannot be summed)."""
    mapping: dict[str, str] = {}
    for pair in kreis_maps.values():
        mapping.update(pair)
    if not mapping:
        return df
    old = df[df["area_id"].isin(mapping) & (df["unit"] == "Anzahl") & df["value"].notna()]
    if old.empty:
        return df
    moved = old.assign(area_id=old["area_id"].map(mapping))
    have = df[df["area_id"].isin(moved["area_id"]) & df["value"].notna()][["area_id", "period", "variable"]]
    moved = moved.merge(have.assign(_have=True), on=["area_id", "period", "variable"], how="left")
    moved = moved[moved["_have"].isna()].drop(columns="_have")
    if moved.empty:
        return df
    keys = ["area_id", "period", "variable"]
    summed = moved.groupby(keys, as_index=False).agg(
        value=("value", "sum"),
        unit=("unit", "first"),
        source=("source", "first"),
        row=("row", "first"),
        area_level=("area_level", "first"),
    )
    summed["flag"] = ""
    summed["area_name"] = ""
    rest = df[~(df.set_index(keys).index.isin(summed.set_index(keys).index) & df["value"].isna())]
    return pd.concat([rest, summed[df.columns]], ignore_index=True)


def stadtstaaten(df: pd.DataFrame) -> pd.DataFrame:
    """Berlin and Hamburg are a Land and a Kreis at once: where a table lists them only as Land
    ("11", "02"), the Land's rows also stand for the Kreis ("11000", "02000")."""
    out = [df]
    for land in ("02", "11"):
        kreis = land + "000"
        if kreis in set(df["area_id"]) or land not in set(df["area_id"]):
            continue
        rows = df[df["area_id"] == land]
        out.append(rows.assign(area_id=kreis, area_level="kreis"))
    return pd.concat(out, ignore_index=True) if len(out) > 1 else df


def single_year_table(ages: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """(area, period) → 2 × 101 single-year population from an age-group table (one vectorised
    spread for all areas, periods and sexes); series with a missing value are left out."""
    wide = ages.pivot_table(
        index=["area_id", "period", "sex"], columns=["age_from"], values="value", aggfunc="first", dropna=False
    )
    bounds = ages.drop_duplicates("age_from").set_index("age_from")["age_to"].reindex(wide.columns)
    complete = wide.notna().all(axis=1)
    wide = wide[complete]
    singles = proj.spread(wide.columns.to_numpy(), bounds.to_numpy(dtype=float), wide.to_numpy(float))
    index = {key: i for i, key in enumerate(wide.index)}
    out = {}
    for area, period in {(a, p) for a, p, _ in wide.index}:
        if (area, period, proj.SEXES[0]) in index and (area, period, proj.SEXES[1]) in index:
            out[(area, period)] = np.array([singles[index[(area, period, s)]] for s in proj.SEXES])
    return out


def germany_population(ages: pd.DataFrame, year: int) -> dict[int, np.ndarray]:
    """Germany's population by sex and single year of age (year → 2 × 101 at 31.12.) at every
    reference date up to ``year``: the sum of the Kreise the table lists at that date, each once.
    ``ages``: the age groups as the statistical office publishes them, before dissolved Kreise are
    summed onto their successor (``reform_counts``): on that table the Kreise of Göttingen and
    Osterode am Harz (dissolved 2016) would count twice at 31.12.2015 (+329.538), once under their
    own keys and once in Göttingen (03159). Every Kreis is spread to single years as for its own
    projection."""
    kreise = ages[(ages["area_id"].str.len() == 5) & (ages["period"].str[:4].astype(int) <= year)]
    out: dict[int, np.ndarray] = {}
    for (_, period), series in sorted(single_year_table(kreise).items(), key=lambda item: item[0][1]):
        y = int(period[:4])
        out[y] = out[y] + series if y in out else series.copy()
    return out


def germany_past(
    germany: dict[int, np.ndarray], women: pd.DataFrame, earliest: str | None, laender: dict, settings: dict, year: int
) -> proj.NationalPast | None:
    """Germany's past net migration (``projection.national_past``), computed once for every Kreis
    with Germany's survival (``projection.germany_life_expectancy``); with a single age-structured
    date from the women of the earliest GV-ISys directory (``women``, ``earliest``). ``None``
    without data."""
    history = {y: v for y, v in germany.items() if y <= year}
    if not history:
        return None
    earlier = None
    if len(history) < 2:
        if earliest is None:
            return None
        earlier = {"year": int(earliest[:4]), "women": women[women["period"] == earliest]["value"].sum()}
    return proj.national_past(history, proj.germany_life_expectancy(settings, laender), settings, earlier)


def project_kreise(
    ages: pd.DataFrame,
    germany: dict[int, np.ndarray],
    directory: pd.DataFrame,
    kreise: list[str],
    laender: dict,
    settings: dict,
    year: int,
    target_year: int,
    national_rates: dict[str, float],
    on_result: Callable[[str, str, np.ndarray], None] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Calibrated projection of every Kreis: planning groups per year and variant, and the
    calibration figures per Kreis (``germany``: Germany's population by single years,
    ``germany_population``; ``on_result(kreis, variant, result)``: called with every single-year
    result, years × 2 × 101 from ``year``, e.g. ``outlook.DemandCollector.add``)."""
    singles = single_year_table(ages[ages["period"].str[:4].astype(int) <= year])
    periods = sorted({p for _, p in singles})
    women = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] == "bevoelkerung_weiblich")]
    earliest = women["period"].min() if len(women) else None
    past = germany_past(germany, women, earliest, laender, settings, year)
    printed = {"wanderung_deutschland_bisher_je_1000": round(past.rate, 2), "jahre_deutschland": past.years} if past else {}
    rows, calibrations = [], {}
    for kreis in kreise:
        history = {int(p[:4]): singles[(kreis, p)] for p in periods if (kreis, p) in singles}
        if year not in history:
            continue
        land = laender["laender"][kreis[:2]]
        earlier = None
        if len(history) < 2 and earliest is not None:
            w = women[(women["period"] == earliest) & (women["area_id"].str[:5] == kreis)]["value"].sum()
            earlier = {"year": int(earliest[:4]), "women": w}
        cal = proj.calibrate(
            history,
            past,
            (land["lebenserwartung_maennlich"], land["lebenserwartung_weiblich"]),
            settings,
            national_rates["mittel"],
            earlier,
        )
        for variant, rate in national_rates.items():
            result = proj.project(history[year], cal, target_year, rate)
            if on_result is not None:
                on_result(kreis, variant, result)
            rows.append(proj.groups_of(result, year).assign(area_id=kreis, variant=variant))
        calibrations[kreis] = {
            "geburtenziffer": round(cal.tfr, 3),
            "lebenserwartung": list(cal.life_expectancy),
            "wanderung_je_1000": round(float(cal.migration.sum() / history[year].sum() * 1000), 2),
            "wanderung_eigen_je_1000": round(cal.own_rate, 2),
            **printed,  # Germany's past, the one figure every Kreis's calibration uses
            "jahre": cal.history,
            "methode": cal.method,
            "sterblichkeit": [round(f, 3) for f in cal.mortality_factors],
        }
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["year", "group", "value", "area_id", "variant"])
    return out[["area_id", "variant", "year", "group", "value"]], calibrations


def kreis_demand(
    collector: outlook.DemandCollector,
    table: pd.DataFrame,
    ages: pd.DataFrame,
    rates: CareRates | None,
    year: int,
    prognose: pd.DataFrame,
) -> outlook.Demand:
    """The children (the planning groups of ``prognose``, the published projection table) and
    (with ``rates``) the expected people in need of care of every projected Kreis, calibrated to
    its count at the newest date up to ``year``; the base population at that date in single
    years, spread as for the projection."""
    counts = outlook.care_counts(table, year)
    periods = set(counts["period"]) if rates is not None else set()
    base = single_year_table(ages[ages["period"].isin(periods)]) if periods else {}
    return outlook.demand_tables(collector, counts, base, rates, prognose)


def read_boundaries(boundaries_dir: Path | None) -> dict[str, Kreis]:
    """The Kreise of the raw VG5000 layer with their names and kinds (empty without it)."""
    from sozialbericht.core.areas import kreise as read_kreise

    krs = Path(boundaries_dir or "") / "VG5000_KRS.dbf"
    return read_kreise(krs) if boundaries_dir and krs.exists() else {}


def kreis_level_tables(tables: dict[str, pd.DataFrame], kreis_maps: dict[str, dict[str, str]]) -> dict[str, pd.DataFrame]:
    """The count tables on the Kreise of today: dissolved Kreise summed onto their successor where a
    table lacks it, the Stadtstaaten as Kreise (the Gemeinde tables stay as they are)."""
    return {
        name: stadtstaaten(reform_counts(df, kreis_maps)) if name not in NATIONAL_GEMEINDE_DATASETS else df
        for name, df in tables.items()
    }


def kreise_of_year(population: pd.DataFrame, year: int) -> list[str]:
    """The Kreise with a population in ``year`` (sorted keys)."""
    pop = population
    return sorted(
        pop[(pop["period"].str[:4].astype(int) == year) & pop["value"].notna() & (pop["area_id"].str.len() == 5)][
            "area_id"
        ].unique()
    )


def kreis_indicators(
    catalogue: list, kreis_tables: dict[str, pd.DataFrame], names: dict[str, str], current: list[str], year: int, defaults: dict
) -> pd.DataFrame:
    """The catalogue applied to every Kreis of the report year, every Land and Germany, up to ``year``."""
    kreis_ind = indicators.compute(catalogue, kreis_tables, "kreis", names, base_year=defaults.get("base_year"))
    return kreis_ind[kreis_ind["area_id"].isin({"DG", *LAENDER, *current}) & (kreis_ind["period"].str[:4].astype(int) <= year)]


def gemeinde_indicators(
    catalogue: list, tables: dict[str, pd.DataFrame], changes: pd.DataFrame, defaults: dict
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """The catalogue applied to every Gemeinde: GV-ISys on the territory of the newest directory,
    Zensus 2022 by AGS. Returns the indicators, the number of Gemeinden and which current Gemeinde
    each Gemeinde of the directories went into (area_id, target)."""
    directory = tables["gemeindeverzeichnis"]
    rows = to_territory(directory, changes)
    latest = directory[(directory["area_level"] == "gemeinde") & (directory["period"] == directory["period"].max())]
    latest = latest.drop_duplicates("area_id")
    by_ags = {ags_of(a): (a, n) for a, n in zip(latest["area_id"], latest["area_name"])}
    gv_h = sum_onto(rows, by_ags)
    zensus = tables["zensus2022"]
    zensus = zensus[zensus["area_id"].str.len() == 12].copy()
    zensus["area_id"] = zensus["area_id"].map(ags_of).map(lambda a: by_ags.get(a, ("", ""))[0])
    zensus = zensus[zensus["area_id"] != ""]
    g_names = dict(zip(gv_h["area_id"], gv_h["area_name"]))
    first_dir = int(directory["period"].min()[:4])
    gem_ind = indicators.compute(
        catalogue,
        {**tables, "gemeindeverzeichnis": gv_h, "zensus2022": zensus},
        "gemeinde",
        g_names,
        base_year=max(first_dir, (defaults.get("gemeinde_years") or [first_dir])[0]),
    )
    gem_ind = gem_ind[gem_ind["area_id"].str.len() == 12]
    return gem_ind, int(gv_h["area_id"].nunique()), rows[rows["target"].isin(by_ags)][["area_id", "target"]]


def pyramids(ages: pd.DataFrame, current: list[str], year: int) -> pd.DataFrame:
    """Population by sex and age group of every Kreis, its Land and Germany at the report year."""
    ages_year = ages[(ages["period"].str[:4].astype(int) == year) & ages["area_id"].isin(current)]
    pyr_cols = ["period", "sex", "age_label", "age_from"]
    land_pyr = (
        ages_year.assign(area_id=ages_year["area_id"].str[:2]).groupby(["area_id", *pyr_cols], as_index=False)["value"].sum()
    )
    de_pyr = ages_year.groupby(pyr_cols, as_index=False)["value"].sum().assign(area_id="DG")
    return pd.concat([ages_year[["area_id", *pyr_cols, "value"]], land_pyr, de_pyr], ignore_index=True)


def write_national_tables(src: SliceSources, laender: dict, out_dir: Path) -> None:
    """The tables of the whole of Germany: indicators, territorial changes, projections, Kreise."""
    (out_dir / "laender").mkdir(parents=True, exist_ok=True)
    write_tidy(src.table, out_dir / "indikatoren.csv")
    write_tidy(src.changes, out_dir / "gebietsaenderungen.csv")
    write_tidy(src.prognose, out_dir / "prognose.csv")
    write_outlook_tables(src, out_dir)
    kreis_rows = [
        {
            "kreis": k,
            "id": src.ids.get(k, k),
            "kurz": m.kurz,
            "typ": m.typ,
            "name": m.name,
            "name_in": m.name_in,
            "name_des": m.name_des,
            "land": m.land,
            "land_name": laender["laender"][m.land]["name"],
            "im_berichtsjahr": k in src.current,
        }
        for k, m in sorted(src.meta.items())
    ]
    write_tidy(pd.DataFrame(kreis_rows), out_dir / "kreise.csv")


def build(
    staged: dict[str, Path],
    geo_dir: Path,
    catalogue: list,
    datasets: dict,
    laender: dict,
    settings: dict,
    year: int,
    out_dir: Path,
    boundaries_dir: Path | None = None,
    care_rates: CareRates | None = None,
) -> dict:
    """Compute the national table and every Kreis's slice for ``year`` into ``out_dir``
    (``boundaries_dir``: the raw VG5000 layers, for the names and kinds of the Kreise;
    ``care_rates``: ``config/pflegequoten.yaml``, without it no care projection).

    Steps: the staged tables in, territorial changes and Kreis reforms → the Kreis-level tables →
    the Kreise of the year and their names → indicators of the Kreise, Länder and Germany and of
    every Gemeinde → Germany's population by age (each Kreis once) → the projection of every Kreis,
    with its demand for Kitas, schools and care →
    the comparable Kreise → pyramids → the national tables and the slices per Land and Kreis
    (``national_slices``) → ``summary.json``."""
    outlook.key_indicators(settings, catalogue)  # a wrong key indicator stops the job before the work
    tables = {name: read_tidy(path) for name, path in staged.items()}
    names = area_names(tables)
    directory = tables["gemeindeverzeichnis"]
    changes, kreis_maps = derive_changes(directory)
    kreis_tables = kreis_level_tables(tables, kreis_maps)
    pop = kreis_tables["bevoelkerung_alter"]
    current = kreise_of_year(pop, year)
    meta = kreis_metadata(
        directory[directory["period"].str[:4].astype(int) <= max(year, int(directory["period"].min()[:4]))],
        read_boundaries(boundaries_dir),
        year,
    )
    defaults = settings.get("defaults", {})
    kreis_ind = kreis_indicators(catalogue, kreis_tables, names, current, year, defaults)
    gem_ind, n_gemeinden, targets = gemeinde_indicators(catalogue, tables, changes, defaults)
    table = pd.concat([kreis_ind, gem_ind], ignore_index=True).drop(columns=["numerator"], errors="ignore")
    # What the slices below need of the inputs; the rest is let go (peak memory of the job).
    zensus_all = tables["zensus2022"]
    germany = germany_population(age_groups(stadtstaaten(tables["bevoelkerung_alter"])), year)
    del tables, kreis_tables, kreis_ind, gem_ind
    gc.collect()

    pconf = settings.get("projection", {})
    ages = age_groups(pop)
    target = pconf.get("target_year", year + 15)
    national_rates = pconf.get("wanderung_deutschland_je_1000", {"mittel": 0.0})
    collector = outlook.DemandCollector(year, outlook.care_years(year, target))
    prognose, calibrations = project_kreise(
        ages, germany, directory, current, laender, pconf, year, target, national_rates, collector.add
    )
    demand = kreis_demand(collector, table, ages, care_rates, year, prognose)
    del collector
    comparison = outlook.compare_kreise(table, directory, current, meta, settings, catalogue, laender, year)
    src = SliceSources(
        current=current,
        meta=meta,
        ids=district_ids(meta),
        table=table,
        directory=directory,
        changes=changes,
        kreis_maps=kreis_maps,
        targets=targets,
        zensus=zensus_all,
        population=pop,
        prognose=prognose,
        calibrations=calibrations,
        pyramids=pyramids(ages, current, year),
        comparison=comparison,
        demand=demand,
        care_rates=outlook.care_rates_info(care_rates) if care_rates is not None else None,
    )
    write_national_tables(src, laender, out_dir)
    write_slices(src, geo_dir, laender, out_dir)
    summary = {
        "year": year,
        "kreise": len(current),
        "gemeinden": n_gemeinden,
        "gebietsaenderungen": int(len(changes)),
        "unsicher": int((~changes["certain"].astype(bool)).sum()),
        "kreisreformen": kreis_maps,
    }
    (out_dir / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return summary
