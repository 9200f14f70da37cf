"""Planning analyses of one district built on the indicator table: social index, population
projection, counselling supply against need, and targets with traffic lights.

Each function takes the (already disclosure-controlled) indicator table and configuration and
returns small tables that the report only presents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.compute.social_index import social_index
from sozialbericht.core.ages import age_groups


def _wide(ind: pd.DataFrame, ids: list[str], period_year: int, areas: list[str]) -> pd.DataFrame:
    d = ind[ind["indicator_id"].isin(ids) & (ind["period"].str[:4] == str(period_year)) & ind["area_id"].isin(areas)]
    return d.pivot_table(index="area_id", columns="indicator_id", values="value", aggfunc="first").reindex(columns=ids)


def compute_social_index(
    ind: pd.DataFrame, settings: dict, year: int, gemeinden: list[str], weights: pd.Series | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """MSS index over the district's Gemeinden: status in ``year``, dynamics as the change in
    percentage points over ``settings['dynamics_years']`` years; ``weights``: see ``index_weights``."""
    ids = settings["status_indicators"]
    status = _wide(ind, ids, year, gemeinden)
    before = _wide(ind, ids, year - settings["dynamics_years"], gemeinden)
    dynamics = status - before
    pop = ind[(ind["indicator_id"] == settings["population_indicator"]) & (ind["period"].str[:4] == str(year))]
    population = pop.set_index("area_id")["value"].reindex(gemeinden).fillna(0)
    return social_index(
        status, dynamics, population, settings["min_population"], settings["status_bounds"], settings["dynamic_bounds"], weights
    )


def _centroid(geometry: dict) -> tuple[float, float]:
    rings = [geometry["coordinates"][0]] if geometry["type"] == "Polygon" else [p[0] for p in geometry["coordinates"]]
    ring = np.asarray(max(rings, key=len), dtype=float)
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    return float(((x[:-1] + x[1:]) * cross).sum() / (6 * area)), float(((y[:-1] + y[1:]) * cross).sum() / (6 * area))


def counselling_supply(
    stellen: pd.DataFrame, faelle: pd.DataFrame, register: pd.DataFrame, geo: dict, year: int, benchmarks: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per counselling field: cases, cases per 10,000, multi-problem share, capacity (VZÄ),
    VZÄ per 10,000 of the reference population against the benchmark; and the straight-line
    distance from every Gemeinde to the nearest centre of each field (km)."""
    reg = age_groups(register[register["period"] == f"{year}-12-31"])
    inhabitants = reg["value"].sum()
    minors = reg[reg["age_from"] < 18]["value"].sum()
    # the field is a column of the counselling tables (tidy.KEY_COLUMNS), the measure the variable
    f = faelle.assign(measure=faelle["variable"], field=faelle["beratungsfeld"])
    f = f[f["period"].str[:4] == str(year)]
    s = stellen.assign(field=stellen["beratungsfeld"])
    s = s[(s["period"].str[:4] == str(year)) & (s["variable"] == "vzae")]
    rows = []
    for field, bench in benchmarks.items():
        cases = f[(f["field"] == field) & (f["measure"] == "faelle")]["value"].sum()
        multi = f[(f["field"] == field) & (f["measure"] == "mehrfachproblematik")]["value"].sum()
        vzae = s[s["field"] == field]["value"].sum()
        reference = minors if bench["bezug"] == "minderjaehrige" else inhabitants
        need = reference / 10_000 * bench["vzae_je_10000"]
        rows.append(
            {
                "beratungsfeld": field,
                "faelle": cases,
                "faelle_je_10000": cases / inhabitants * 10_000,
                "anteil_mehrfach": multi / cases * 100 if cases else np.nan,
                "vzae": vzae,
                "vzae_je_10000": vzae / reference * 10_000,
                "richtwert_je_10000": bench["vzae_je_10000"],
                "bezug": bench["bezug"],
                "vzae_bedarf": need,
                "differenz_vzae": vzae - need,
                "faelle_je_vzae": cases / vzae if vzae else np.nan,
                "quelle": bench["quelle"],
                "standorte": "; ".join(sorted(set(s[s["field"] == field]["area_name"]))),
            }
        )
    centres = {
        feat["properties"]["area_id"]: _centroid(feat["geometry"])
        for feat in geo["features"]
        if len(feat["properties"]["area_id"]) == 12
    }
    travel = []
    for field in benchmarks:
        sites = sorted(set(s[s["field"] == field]["area_id"]))
        for area, (x, y) in sorted(centres.items()):
            dist = min((np.hypot(x - centres[t][0], y - centres[t][1]) for t in sites if t in centres), default=np.nan)
            travel.append({"area_id": area, "beratungsfeld": field, "km": 0.0 if area in sites else dist / 1000})
    return pd.DataFrame(rows), pd.DataFrame(travel)


def targets_status(ind: pd.DataFrame, targets: list[dict], kreis: str, year: int, catalogue: dict) -> pd.DataFrame:
    """Each target with the latest value, the linear trend of up to the last five values projected
    to the target year and its status: erreicht (met now), auf Kurs (trend meets it), gefährdet."""
    rows = []
    for t in targets:
        series = (
            ind[
                (ind["indicator_id"] == t["indicator"])
                & (ind["area_id"] == kreis)
                & ind["value"].notna()
                & (ind["period"].str[:4].astype(int) <= year)
            ]
            .sort_values("period")
            .tail(5)
        )
        years = series["period"].str[:4].astype(int).to_numpy()
        values = series["value"].to_numpy()
        latest = values[-1] if len(values) else np.nan
        slope = np.polyfit(years, values, 1)[0] if len(values) >= 3 else np.nan
        projected = latest + slope * (t["year"] - years[-1]) if len(values) >= 3 else np.nan
        meets = (lambda v: v <= t["value"]) if t["direction"] == "below" else (lambda v: v >= t["value"])
        status = (
            "erreicht"
            if len(values) and meets(latest)
            else "auf Kurs"
            if not np.isnan(projected) and meets(projected)
            else "gefährdet"
        )
        rows.append(
            {
                "indicator_id": t["indicator"],
                "name": catalogue[t["indicator"]]["name"],
                "unit": catalogue[t["indicator"]]["unit"],
                "ziel": t["value"],
                "richtung": t["direction"],
                "zieljahr": t["year"],
                "aktuell": latest,
                "stand": series["period"].iloc[-1] if len(series) else "",
                "trend_je_jahr": slope,
                "prognose_zieljahr": projected,
                "status": status,
                "anmerkung": t.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def allocations(participants: list[dict], indicators: list[str]) -> pd.DataFrame:
    """The points of the participants whose workbooks passed (rows: Kennung, columns: indicator)."""
    ok = [p for p in participants if p.get("status") == "ok"]
    return pd.DataFrame(
        [[p["punkte"].get(i, 0.0) for i in indicators] for p in ok], index=[p["kennung"] for p in ok], columns=indicators
    )


def index_weights(settings: dict, participants: list[dict] | None) -> pd.Series | None:
    """The weights of the report's index: the participants' consensus, or None (equal weights)."""
    from sozialbericht.compute.robustness import consensus

    points = allocations(participants or [], settings["status_indicators"])
    if points.empty:
        return None
    return consensus(points, settings.get("gewichtung", {}).get("regel", "median"))


def weighting_tables(
    ind: pd.DataFrame, settings: dict, year: int, index: pd.DataFrame, participants: list[dict] | None
) -> dict[str, pd.DataFrame]:
    """What the weights do to the social index of the areas in ``index``: the weights (equal,
    consensus, each participant's, and the effective weights), the classes under equal and under
    consensus weights, each participant's classes, and the robustness of every class (a seeded
    uncertainty analysis, compute/robustness.py; settings ``gewichtung``)."""
    from sozialbericht.compute import robustness as rb

    ids = settings["status_indicators"]
    options = settings.get("gewichtung", {})
    status = _wide(ind, ids, year, list(index.index))
    equal = pd.Series(1.0, index=ids)
    points = allocations(participants or [], ids)
    reference = rb.consensus(points, options.get("regel", "median")) if len(points) else rb.normalise(equal)
    z = rb.standardise(status, "z")
    weights = pd.DataFrame(
        {
            "indicator_id": ids,
            "gleich": rb.normalise(equal).to_numpy(),
            "konsens": reference.to_numpy() if len(points) else np.nan,
            "effektiv_gleich": rb.effective_weights(z, equal).to_numpy(),
            "effektiv_konsens": rb.effective_weights(z, reference).to_numpy() if len(points) else np.nan,
        }
    )
    for kennung, row in points.iterrows():
        weights[f"teilnehmer_{kennung}"] = (row / 100).to_numpy()
    robust = rb.uncertainty(
        status,
        settings["status_bounds"],
        reference,
        points if len(points) else None,
        draws=int(options.get("ziehungen", 1000)),
        seed=int(options.get("seed", 1)),
        noise=float(options.get("streuung", 0.25)),
        unsure_share=float(options.get("unsicher_ab", 0.2)),
    )
    out = {"sozialindex_gewichte": weights, "sozialindex_robustheit": robust.rename_axis("area_id").reset_index()}
    if len(points):
        compare = rb.class_changes(status, settings["status_bounds"], equal, reference)
        out["sozialindex_gewichtsvergleich"] = (
            compare.rename_axis("area_id").reset_index().assign(spearman=compare.attrs["spearman"])
        )
        own = [
            rb.class_changes(status, settings["status_bounds"], reference, row.astype(float))
            .rename_axis("area_id")
            .reset_index()
            .assign(teilnehmer=kennung)
            for kennung, row in points.iterrows()
        ]
        out["sozialindex_teilnehmer"] = pd.concat(own, ignore_index=True)
    return out
