"""National work, done once per report year for every Kreis of Germany.

One vectorised pass over the staged national tables:

- territorial changes of all Gemeinden between the GV-ISys directories (``territory``), and the
  Kreis reforms (dissolved Kreise summed onto their successor where a count table lacks it);
- the indicator catalogue applied to every Kreis, Land, Germany and every Gemeinde (one table);
- the population projection of every Kreis (``projection``), with its migration variants;
- per Land the Kreis-level indicators of its Kreise, the Land and Germany
  (``results/national/<year>/laender/<Land>.csv``), and per Kreis a slice of everything else its
  report needs (``results/national/<year>/kreise/<Kreis>/``), so that a district's job only reads
  its slice.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sozialbericht.compute import indicators
from sozialbericht.compute import projection as proj
from sozialbericht.core.ages import age_groups
from sozialbericht.core.areas import LAENDER, Kreis, district_ids, forms, name_forms
from sozialbericht.core.files import feature_collection, read_feature_lines, read_tidy, write_tidy
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


def project_kreise(
    ages: pd.DataFrame,
    directory: pd.DataFrame,
    kreise: list[str],
    laender: dict,
    settings: dict,
    year: int,
    target_year: int,
    national_rates: dict[str, float],
) -> tuple[pd.DataFrame, dict]:
    """Calibrated projection of every Kreis: planning groups per year and variant, and the
    calibration figures per Kreis."""
    singles = single_year_table(ages[ages["period"].str[:4].astype(int) <= year])
    periods = sorted({p for _, p in singles})
    national = {int(p[:4]): sum(v for (a, q), v in singles.items() if q == p and len(a) == 5) for p in periods}
    women = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] == "bevoelkerung_weiblich")]
    earliest = women["period"].min() if len(women) else None
    past_national = national_migration(national, women, earliest, laender, settings, national_rates["mittel"], year)
    rows, calibrations = [], {}
    for kreis in kreise:
        history = {int(p[:4]): singles[(kreis, p)] for p in periods if (kreis, p) in singles}
        if year not in history:
            continue
        land = laender["laender"][kreis[:2]]
        earlier = None
        if len(history) < 2 and earliest is not None:
            w = women[(women["period"] == earliest) & (women["area_id"].str[:5] == kreis)]["value"].sum()
            earlier = {"year": int(earliest[:4]), "women": w, "women_national": women[women["period"] == earliest]["value"].sum()}
        cal = proj.calibrate(
            history,
            national,
            (land["lebenserwartung_maennlich"], land["lebenserwartung_weiblich"]),
            settings,
            national_rates["mittel"],
            earlier,
        )
        for variant, rate in national_rates.items():
            result = proj.project(history[year], cal, target_year, rate)
            rows.append(proj.groups_of(result, year).assign(area_id=kreis, variant=variant))
        calibrations[kreis] = {
            "geburtenziffer": round(cal.tfr, 3),
            "lebenserwartung": list(cal.life_expectancy),
            "wanderung_je_1000": round(float(cal.migration.sum() / history[year].sum() * 1000), 2),
            "wanderung_eigen_je_1000": round(cal.own_rate, 2),
            # one national figure for every Kreis (the Kreis's own calibration scales with its own
            # national residual, which depends on the Land's life table; printed is Germany's)
            **past_national,
            "jahre": cal.history,
            "methode": cal.method,
            "sterblichkeit": [round(f, 3) for f in cal.mortality_factors],
        }
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["year", "group", "value", "area_id", "variant"])
    return out[["area_id", "variant", "year", "group", "value"]], calibrations


def national_migration(
    national: dict[int, np.ndarray],
    women: pd.DataFrame,
    earliest: str | None,
    laender: dict,
    settings: dict,
    rate: float,
    year: int,
) -> dict:
    """Germany's past net migration per 1,000 and year as the model computes it for a Kreis (the
    rest of the change of the cohorts after births and deaths), for Germany itself with the
    national life table (``sterbetafel``; without it the mean of the Länder): the one figure the
    report prints beside every Kreis's own, with its years."""
    history = {y: v for y, v in national.items() if y <= year}
    if not history:
        return {}
    table = settings.get("sterbetafel", {}).get("lebenserwartung_geburt")
    if table:
        life = (float(table["maennlich"]), float(table["weiblich"]))
    else:
        values = list(laender["laender"].values())
        life = tuple(float(np.mean([v[f"lebenserwartung_{s}"] for v in values])) for s in ("maennlich", "weiblich"))
    earlier = None
    if len(history) < 2:
        if earliest is None:
            return {}
        w = women[women["period"] == earliest]["value"].sum()
        earlier = {"year": int(earliest[:4]), "women": w, "women_national": w}
    cal = proj.calibrate(history, history, life, settings, rate, earlier)
    years = cal.history if len(history) >= 2 else [earlier["year"], max(history)]
    return {"wanderung_deutschland_bisher_je_1000": round(cal.past_national_rate, 2), "jahre_deutschland": years}


def _reform_forms(meta: dict, kreis: str) -> dict[str, str]:
    """A former Kreis in a sentence: "der Landkreis Osterode am Harz" (``der``), "den Landkreis …"
    (``den``); a key no longer in the boundaries as "der Kreis 03156"."""
    if kreis not in meta:
        return {"der": f"der Kreis {kreis}", "den": f"den Kreis {kreis}"}
    forms = name_forms(meta[kreis].name_in, meta[kreis].name_des)
    return {"der": forms["der"], "den": forms["den"]}


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Key → row positions (for fast repeated selection), as views on one integer array (lists of
    Python integers for every row of the national tables would cost some 80 MB)."""
    codes, uniques = pd.factorize(keys.to_numpy())
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {u: order[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}


def _rows(index: dict[str, np.ndarray], keys) -> np.ndarray:
    """The sorted row positions of ``keys`` in ``index`` (each row once)."""
    parts = [index[k] for k in keys if k in index]
    return np.unique(np.concatenate(parts)) if parts else np.array([], dtype=int)


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
) -> dict:
    """Compute the national table and every Kreis's slice for ``year`` into ``out_dir``
    (``boundaries_dir``: the raw VG5000 layers, for the names and kinds of the Kreise)."""
    tables = {name: read_tidy(path) for name, path in staged.items()}
    names = area_names(tables)
    directory = tables["gemeindeverzeichnis"]
    changes, kreis_maps = derive_changes(directory)
    from sozialbericht.core.areas import kreise as read_kreise

    krs = Path(boundaries_dir or "") / "VG5000_KRS.dbf"
    boundaries = read_kreise(krs) if boundaries_dir and krs.exists() else {}
    kreis_tables = {
        name: stadtstaaten(reform_counts(df, kreis_maps)) if name not in NATIONAL_GEMEINDE_DATASETS else df
        for name, df in tables.items()
    }
    pop = kreis_tables["bevoelkerung_alter"]
    current = sorted(
        pop[(pop["period"].str[:4].astype(int) == year) & pop["value"].notna() & (pop["area_id"].str.len() == 5)][
            "area_id"
        ].unique()
    )
    meta = kreis_metadata(
        directory[directory["period"].str[:4].astype(int) <= max(year, int(directory["period"].min()[:4]))], boundaries, year
    )

    # Kreis level: every Kreis of the report year, every Land, Germany.
    defaults = settings.get("defaults", {})
    kreis_ind = indicators.compute(catalogue, kreis_tables, "kreis", names, base_year=defaults.get("base_year"))
    kreis_ind = kreis_ind[
        kreis_ind["area_id"].isin({"DG", *LAENDER, *current}) & (kreis_ind["period"].str[:4].astype(int) <= year)
    ]

    # Gemeinde level: GV-ISys on the territory of the newest directory, Zensus 2022 by AGS.
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
    table = pd.concat([kreis_ind, gem_ind], ignore_index=True).drop(columns=["numerator"], errors="ignore")
    # What the slices below need of the inputs; the rest is let go (peak memory of the job).
    n_gemeinden = int(gv_h["area_id"].nunique())
    targets = rows[rows["target"].isin(by_ags)][["area_id", "target"]]
    zensus_all = tables["zensus2022"]
    del tables, kreis_tables, kreis_ind, gem_ind, gv_h, rows, zensus
    gc.collect()

    # Projection of every Kreis.
    pconf = settings.get("projection", {})
    ages = age_groups(pop)
    target = pconf.get("target_year", year + 15)
    prognose, calibrations = project_kreise(
        ages, directory, current, laender, pconf, year, target, pconf.get("wanderung_deutschland_je_1000", {"mittel": 0.0})
    )

    # Pyramids: every Kreis, its Land and Germany at the report year.
    ages_year = ages[(ages["period"].str[:4].astype(int) == year) & ages["area_id"].isin(current)]
    pyr_cols = ["period", "sex", "age_label", "age_from"]
    land_pyr = (
        ages_year.assign(area_id=ages_year["area_id"].str[:2]).groupby(["area_id", *pyr_cols], as_index=False)["value"].sum()
    )
    de_pyr = ages_year.groupby(pyr_cols, as_index=False)["value"].sum().assign(area_id="DG")

    (out_dir / "laender").mkdir(parents=True, exist_ok=True)
    write_tidy(table, out_dir / "indikatoren.csv")
    write_tidy(changes, out_dir / "gebietsaenderungen.csv")
    write_tidy(prognose, out_dir / "prognose.csv")
    ids = district_ids(meta)
    kreis_rows = [
        {
            "kreis": k,
            "id": ids.get(k, k),
            "kurz": m.kurz,
            "typ": m.typ,
            "name": m.name,
            "name_in": m.name_in,
            "name_des": m.name_des,
            "land": m.land,
            "land_name": laender["laender"][m.land]["name"],
            "im_berichtsjahr": k in current,
        }
        for k, m in sorted(meta.items())
    ]
    write_tidy(pd.DataFrame(kreis_rows), out_dir / "kreise.csv")

    geo_head, geo = read_feature_lines(geo_dir / "VG5000_GEM.geojson")
    _, krs_by_key = read_feature_lines(geo_dir / "VG5000_KRS.geojson")
    geo_by_kreis: dict[str, list] = {}
    for area_id in sorted(geo):
        geo_by_kreis.setdefault(area_id[:5], []).append(geo[area_id])
    # Index every table once by Kreis, so that each slice is a cheap lookup.
    table_kreis = table["area_id"].str[:5]
    by_kreis_gem = _positions(table_kreis.where(table["area_id"].str.len() == 12, ""))
    by_area = _positions(table["area_id"])
    own_by_kreis: dict[str, set] = {}
    for ars, tgt in zip(targets["area_id"], targets["target"]):
        own_by_kreis.setdefault(tgt[:5], set()).add(ars)
    raw_gem = directory[directory["area_level"] == "gemeinde"]
    for ars in raw_gem["area_id"].unique():
        own_by_kreis.setdefault(ars[:5], set()).add(ars)
    raw_by_ars = _positions(raw_gem["area_id"])
    verband = directory[directory["area_level"].isin(["gemeindeverband", "kreis"])]
    verband_by_kreis = _positions(verband["area_id"].str[:5])
    change_from = _positions(changes["from_ars"])
    change_to = _positions(changes["to_ars"].str[:5])
    zensus_by_kreis = _positions(zensus_all["area_id"].str[:5].where(zensus_all["area_id"].str.len() == 12, ""))
    pop_by_area = _positions(pop["area_id"])
    prog_by_area = _positions(prognose["area_id"])
    pyr_all = pd.concat([ages_year[["area_id", *pyr_cols, "value"]], land_pyr, de_pyr], ignore_index=True)
    pyr_by_area = _positions(pyr_all["area_id"])

    def pick(df, index, keys):
        return df.iloc[_rows(index, keys)]

    for land in sorted({k[:2] for k in current}):
        land_kreise = [k for k in current if k[:2] == land]
        write_tidy(pick(table, by_area, ["DG", land, *land_kreise]), out_dir / "laender" / f"{land}.csv")
    for kreis in current:
        land = kreis[:2]
        folder = out_dir / "kreise" / kreis
        folder.mkdir(parents=True, exist_ok=True)
        write_tidy(pick(table, by_kreis_gem, [kreis]), folder / "indikatoren.csv")
        own = sorted(own_by_kreis.get(kreis, set()))
        write_tidy(
            pd.concat([pick(raw_gem, raw_by_ars, own), pick(verband, verband_by_kreis, [kreis])]), folder / "verzeichnis.csv"
        )
        pos = np.union1d(_rows(change_from, own), _rows(change_to, [kreis]))
        write_tidy(changes.iloc[pos], folder / "aenderungen.csv")
        write_tidy(pick(zensus_all, zensus_by_kreis, [kreis]), folder / "zensus.csv")
        write_tidy(pick(pop, pop_by_area, [kreis]), folder / "alter.csv")
        write_tidy(
            pick(pyr_all, pyr_by_area, [kreis, land, "DG"]).sort_values(["area_id", "sex", "age_from"]), folder / "pyramide.csv"
        )
        write_tidy(pick(prognose, prog_by_area, [kreis]), folder / "prognose.csv")
        features = geo_by_kreis.get(kreis, []) + ([krs_by_key[kreis]] if kreis in krs_by_key else [])
        (folder / "gemeinden.geojson").write_text(
            feature_collection({"type": "FeatureCollection", "crs": geo_head.get("crs")}, features), encoding="utf-8"
        )
        m = meta[kreis]
        info = {
            "kreis": kreis,
            "id": ids.get(kreis, kreis),
            "kurz": m.kurz,
            "typ": m.typ,
            "name": m.name,
            "name_in": m.name_in,
            "name_des": m.name_des,
            "land": {
                "id": land,
                "name": laender["laender"][land]["name"],
                "name_in": laender["laender"][land].get("name_in", "in " + laender["laender"][land]["name"]),
            },
            "kalibrierung": calibrations.get(kreis),
            # the kinds of the Land's Kreise: what the texts call them ("Landkreise", "Kreise und kreisfreie Städte")
            "land_kreise": {k: meta[k].typ for k in current if k[:2] == land and k in meta},
            "kreisreformen": {
                "aufgenommen": [
                    {"kreis": o, "kurz": meta[o].kurz if o in meta else o, **_reform_forms(meta, o), "zwischen": p.split("/")}
                    for p, pair in sorted(kreis_maps.items())
                    for o, n in sorted(pair.items())
                    if n == kreis
                ],
                "aufgegangen_in": [
                    {"kreis": n, "des": meta[n].name_des if n in meta else n, "zwischen": p.split("/")}
                    for p, pair in sorted(kreis_maps.items())
                    for o, n in pair.items()
                    if o == kreis
                ],
            },
        }
        (folder / "kreis.json").write_text(
            json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
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
