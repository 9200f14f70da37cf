"""Back-test of the projection on every Kreis and every Gemeinde of Germany (``make backtest``).

Kreise: project from a past base date with only the data up to it and compare with the real
later values of the same table (12411-0018, same census basis). Two designs:

- ``2015→2020``: base 31.12.2015, the only age-structured date up to it, plus the women of
  GV-ISys 31.12.2013 (the issue's design); the model runs in its one-date mode.
- ``2017→2020``: base 31.12.2017 with the age history 2015–2017, the information the 2015–2017
  trend baseline also uses; the model runs in its history mode, as in the report.

Baselines: constant population (the base value) and the 2015–2017 trend extrapolated linearly.
Errors: absolute percentage error per Kreis for the total and the planning groups; median and
90th percentile over all Kreise.

Gemeinden: the distribution of the real Kreis total onto its Gemeinden by their own share trend
against constant shares: base 2017 (trend 2013–2017) to 2019, base 2019 (trend 2013–2019) to
2021, all GV-ISys directories before the Zensus 2022 break.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.compute import projection as proj
from sozialbericht.compute.gemeinde_projection import gemeinde_model, gemeinde_shares
from sozialbericht.compute.national import reform_counts, single_year_table
from sozialbericht.core import formatting as fmt
from sozialbericht.core.ages import age_groups
from sozialbericht.core.territory import derive_changes, to_territory

GROUPS = {
    "insgesamt": (0, 101),
    "unter 3": (0, 3),
    "3 bis 5": (3, 6),
    "6 bis 9": (6, 10),
    "65 und älter": (65, 101),
    "75 und älter": (75, 101),
}


def _groups(pop: np.ndarray) -> dict[str, float]:
    both = pop.sum(axis=0)
    return {g: float(both[lo:hi].sum()) for g, (lo, hi) in GROUPS.items()}


def _group_totals(ages: pd.DataFrame) -> dict[tuple[str, str], dict[str, float]]:
    """Exact group totals from the age-group table (no single-year spreading), for every area and
    reference date at once: (area_id, period) → group → value."""
    upper = ages["age_to"].fillna(101)
    columns = {}
    for g, (lo, hi) in GROUPS.items():
        inside = ages[(ages["age_from"] >= lo) & (upper <= hi)]
        columns[g] = inside.groupby(["area_id", "period"])["value"].sum()
    table = pd.DataFrame(columns).fillna(0.0)
    return {key: {g: float(v) for g, v in row.items()} for key, row in zip(table.index, table.to_dict("records"))}


def _first_directory(directory: pd.DataFrame) -> str:
    """The reference date of the earliest GV-ISys directory (its totals by sex are the earliest
    population data the one-date design may use)."""
    return directory.loc[directory["variable"] == "bevoelkerung_weiblich", "period"].min()


def _kreis_totals(directory: pd.DataFrame, variable: str, period: str, kreis_maps: dict) -> pd.Series:
    """A GV-ISys variable summed over the Gemeinden of each Kreis on the current Kreis territory."""
    rows = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] == variable)]
    out = rows[rows["period"] == period].assign(k=lambda d: d["area_id"].str[:5]).groupby("k")["value"].sum()
    for old, new in {o: n for m in kreis_maps.values() for o, n in m.items()}.items():
        if old in out:
            out[new] = out.get(new, 0) + out[old]
    return out


def kreis_backtest(
    population: pd.DataFrame,
    directory: pd.DataFrame,
    laender: dict,
    settings: dict,
    base: int,
    target: int,
    history_from: int,
    national_rate: float,
) -> pd.DataFrame:
    """Absolute percentage errors per Kreis and group: model, constant and 2015–2017 trend."""
    _, kreis_maps = derive_changes(directory)
    ages = age_groups(reform_counts(population, kreis_maps))
    singles = single_year_table(ages[ages["period"].str[:4].astype(int).between(history_from, base)])
    years = list(range(history_from, base + 1))
    kreise = sorted(ages[(ages["period"] == f"{target}-12-31") & ages["value"].notna()]["area_id"].unique())
    kreise = [k for k in kreise if all((k, f"{y}-12-31") in singles for y in years)]
    national = {y: sum(singles[(k, f"{y}-12-31")] for k in kreise) for y in years}
    earliest = _first_directory(directory)
    women_by_kreis = _kreis_totals(directory, "bevoelkerung_weiblich", earliest, kreis_maps)
    men_by_kreis = _kreis_totals(directory, "bevoelkerung_maennlich", earliest, kreis_maps)
    total_earliest = women_by_kreis.add(men_by_kreis, fill_value=0)
    since_earliest = int(earliest[:4])
    totals = _group_totals(ages)
    women_national = {"year": since_earliest, "women": float(women_by_kreis[[x for x in kreise if x in women_by_kreis]].sum())}
    past = proj.national_past(national, proj.germany_life_expectancy(settings, laender), settings, women_national)
    rows = []
    for k in kreise:
        history = {y: singles[(k, f"{y}-12-31")] for y in years}
        land = laender["laender"][k[:2]]
        earlier = None
        if len(years) == 1:
            earlier = {"year": since_earliest, "women": float(women_by_kreis.get(k, np.nan))}
        cal = proj.calibrate(
            history,
            past,
            (land["lebenserwartung_maennlich"], land["lebenserwartung_weiblich"]),
            settings,
            national_rate,
            earlier,
        )
        predicted = _groups(proj.project(history[base], cal, target)[-1])
        none = dict.fromkeys(GROUPS, 0.0)
        actual, at_base = totals.get((k, f"{target}-12-31"), none), totals.get((k, f"{base}-12-31"), none)
        g15, g17 = totals.get((k, "2015-12-31"), none), totals.get((k, "2017-12-31"), none)
        for g in GROUPS:
            trend = g17[g] + (g17[g] - g15[g]) / 2 * (target - 2017)
            # the trend from the earlier directory total to the base date: the same information the
            # model has in the one-date design (totals only)
            earlier_trend = np.nan
            if g == "insgesamt" and k in total_earliest and base > since_earliest:
                earlier_trend = at_base[g] + (at_base[g] - total_earliest[k]) / (base - since_earliest) * (target - base)
            rows.append(
                {
                    "kreis": k,
                    "gruppe": g,
                    "modell": predicted[g],
                    "konstant": at_base[g],
                    "trend_2015_2017": trend,
                    "trend_bis_basis": earlier_trend,
                    "ist": actual[g],
                }
            )
    out = pd.DataFrame(rows)
    for col in ("modell", "konstant", "trend_2015_2017", "trend_bis_basis"):
        out[f"fehler_{col}"] = (out[col] / out["ist"] - 1).abs() * 100
    return out


def gemeinde_backtest(directory: pd.DataFrame, settings: dict, history: list[str], base: str, target: str) -> pd.DataFrame:
    """Absolute percentage errors per Gemeinde: own share trend against constant shares, both
    scaled to the real Kreis total of the target date (Gemeinden on the target's territory)."""
    sub = directory[directory["period"] <= target]
    changes, _ = derive_changes(sub)
    rows = to_territory(sub, changes)
    rows = rows[rows["variable"] == "bevoelkerung"]
    current = set(rows[rows["period"] == target]["ags"])
    rows = rows[rows["target"].isin(current)]
    wide = rows.groupby(["target", "period"])["value"].sum().unstack()
    cols = [*history, base]
    wide = wide[wide[cols].notna().all(axis=1) & (wide[cols] > 0).all(axis=1) & wide[target].notna()]
    wide["kreis"] = wide.index.str[:5]
    wide = wide[wide["kreis"].map(wide.groupby("kreis").size()) > 1]
    out = []
    for _kreis, w in wide.groupby("kreis", sort=True):
        hist = pd.DataFrame([{"area_id": a, "year": int(c[:4]), "value": w.at[a, c]} for a in w.index for c in cols])
        shares = gemeinde_shares(hist, int(base[:4]), [int(target[:4])], settings).set_index("area_id")["share"]
        total = w[target].sum()
        constant = w[base] / w[base].sum()
        for a in w.index:
            out.append({"gemeinde": a, "trend": shares[a] * total, "konstant": constant[a] * total, "ist": w.at[a, target]})
    out = pd.DataFrame(out)
    for col in ("trend", "konstant"):
        out[f"fehler_{col}"] = (out[col] / out["ist"] - 1).abs() * 100
    return out


def summary(errors: pd.DataFrame, by: str | None, methods: list[str]) -> pd.DataFrame:
    """Median and 90th percentile of the absolute percentage errors per group and method."""
    groups = errors.groupby(by, sort=False) if by else [("alle", errors)]
    rows = []
    for name, d in groups:
        row = {"gruppe": name, "n": len(d)}
        for m in methods:
            errors_m = d[f"fehler_{m}"].dropna()
            row[f"{m}_median"] = float(errors_m.median()) if len(errors_m) else np.nan
            row[f"{m}_p90"] = float(errors_m.quantile(0.9)) if len(errors_m) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _pct(value: float) -> str:
    return "–" if pd.isna(value) else f"{fmt.number(value, 2)} %"


def _table(rows: pd.DataFrame, methods: dict[str, str]) -> str:
    head = "| Gruppe | n | " + " | ".join(f"{label} Median | {label} P90" for label in methods.values()) + " |"
    sep = "|:--|--:|" + "--:|--:|" * len(methods)
    lines = [head, sep]
    for r in rows.itertuples(index=False):
        r = r._asdict()
        lines.append(
            f"| {r['gruppe']} | {r['n']} | "
            + " | ".join(f"{_pct(r[m + '_median'])} | {_pct(r[m + '_p90'])}" for m in methods)
            + " |"
        )
    return "\n".join(lines)


def targets(table: pd.DataFrame, limit: float = 1.0) -> list[str]:
    """The issue's targets, checked on one design's summary: the total's median error at most
    ``limit`` % and below both baselines' (constant, trend 2015–2017); every group below both."""
    lines = ["Ziele (Median des absoluten Fehlers):", ""]
    for r in table.to_dict("records"):
        better = r["modell_median"] < min(r["konstant_median"], r["trend_2015_2017_median"])
        goal = f"besser als „konstant“ und „Trend 2015–2017“: {'erreicht' if better else 'nicht erreicht'}"
        if r["gruppe"] == "insgesamt":
            met = r["modell_median"] <= limit
            goal = f"höchstens {fmt.number(limit, 1)} %: {'erreicht' if met else 'nicht erreicht'}; " + goal
            if not pd.isna(r.get("trend_bis_basis_median", np.nan)):
                fair = r["modell_median"] < r["trend_bis_basis_median"]
                goal += f"; besser als der Summentrend bis zum Basisjahr: {'erreicht' if fair else 'nicht erreicht'}"
        lines.append(f"- {r['gruppe']}: {goal}")
    return lines


def _require_years(population: pd.DataFrame, years: tuple[int, ...]) -> None:
    """The back-test compares projections with the population of these years: a table without one
    of them is refused with a German message (not an internal error later)."""
    from sozialbericht.core.errors import InputError

    have = set(population["period"].astype(str).str[:4])
    missing = [str(y) for y in years if str(y) not in have]
    if missing:
        source = str(population["source"].iloc[0]) if "source" in population and len(population) else "12411-0018"
        raise InputError(
            source,
            "für den Rückblicktest der Prognose fehlt die Bevölkerung zum Stichtag " + ", ".join(f"31.12.{y}" for y in missing),
            expected="die Bevölkerung nach Altersgruppen zu den Stichtagen " + ", ".join(f"31.12.{y}" for y in years),
            hint="die Tabelle 12411-0018 mit allen Stichtagen ab 2013 erneut herunterladen (siehe data/raw/README.md)",
        )


KREIS_METHODS = {"modell": "Modell", "konstant": "konstant", "trend_2015_2017": "Trend 2015–2017"}
GEMEINDE_METHODS = {"trend": "eigener Trend", "konstant": "konstante Anteile"}


def kreis_designs(
    population: pd.DataFrame, directory: pd.DataFrame, laender: dict, settings: dict, rate: float, earliest: str
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, str]]]:
    """Both Kreis designs (base 2015 and base 2017, target 2020): the error summaries per group and
    the labels of their methods (``earliest``: the year of the first directory)."""
    designs, labels = {}, {}
    for key, base, since in (("2015_2020", 2015, 2015), ("2017_2020", 2017, 2015)):
        errors = kreis_backtest(population, directory, laender, settings, base, 2020, since, rate)
        labels[key] = {**KREIS_METHODS, "trend_bis_basis": f"Summentrend {earliest}–{base}"}
        designs[key] = summary(errors, "gruppe", list(labels[key]))
    return designs, labels


def gemeinde_designs(directory: pd.DataFrame, settings: dict) -> dict[str, pd.DataFrame]:
    """Both Gemeinde designs (base 2017 to 2019, base 2019 to 2021): the error summaries."""
    gem = {}
    for key, hist, base, target in (
        ("2017_2019", ["2013-12-31"], "2017-12-31", "2019-12-31"),
        ("2019_2021", ["2013-12-31", "2017-12-31"], "2019-12-31", "2021-12-31"),
    ):
        gem[key] = summary(gemeinde_backtest(directory, settings, hist, base, target), None, list(GEMEINDE_METHODS))
    return gem


def _markdown(designs: dict, labels: dict, gem: dict, rate: float, source: str, earliest: str) -> str:
    """The back-test's Markdown page (``results/benchmarks/backtest.md``), in German."""
    text = [
        "# Rückblicktest der Bevölkerungsprognose",
        "",
        "Absoluter Prozentfehler je Kreis bzw. Gemeinde gegenüber den tatsächlichen Werten (Median und 90. Perzentil "
        "über alle Kreise bzw. Gemeinden Deutschlands). Erzeugt von `make backtest` (src/sozialbericht/compute/backtest.py).",
        "",
        f"Angenommene Zuwanderung nach Deutschland: {fmt.number(rate, 1)} je 1.000 Einwohner und Jahr ({source}).",
        "",
        "## Kreise: Basis 31.12.2015 → 31.12.2020, nur Daten bis 2015",
        "",
        f"Das Modell kennt einen Altersaufbau (31.12.2015) und die Frauen des Gemeindeverzeichnisses vom 31.12.{earliest}. "
        "Die Vergleichsrechnung „Trend 2015–2017“ nutzt zusätzlich den 31.12.2017, also Daten nach dem Basisjahr; "
        f"mit derselben Information wie das Modell rechnet der „Summentrend {earliest}–2015“ (Einwohner insgesamt "
        f"des Gemeindeverzeichnisses {earliest} und der Tabelle 2015, nur für die Summe).",
        "",
        _table(designs["2015_2020"], labels["2015_2020"]),
        "",
        *targets(designs["2015_2020"]),
        "",
        "## Kreise: Basis 31.12.2017 → 31.12.2020, Daten 2015–2017 (gleiche Information wie der Trend)",
        "",
        "So rechnet das Modell im Bericht: mit der eigenen Entwicklung des Kreises nach Alter und Geschlecht.",
        "",
        _table(designs["2017_2020"], labels["2017_2020"]),
        "",
        *targets(designs["2017_2020"]),
        "",
        "## Gemeinden: Verteilung der tatsächlichen Kreissumme auf die Gemeinden",
        "",
        "### Basis 31.12.2017 (Trend 2013–2017) → 31.12.2019",
        "",
        _table(gem["2017_2019"], GEMEINDE_METHODS),
        "",
        "### Basis 31.12.2019 (Trend 2013–2019) → 31.12.2021",
        "",
        _table(gem["2019_2021"], GEMEINDE_METHODS),
        "",
    ]
    return "\n".join(text)


def _records(table: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()} for r in table.to_dict("records")]


def _result(designs: dict, gem: dict) -> dict:
    """The JSON summary: every design's table and the sentence values the report cites."""
    total = designs["2017_2020"].set_index("gruppe").loc["insgesamt"]
    return {
        "kreise": {k: _records(v) for k, v in designs.items()},
        "gemeinden": {k: _records(v) for k, v in gem.items()},
        "bericht": {
            "beschreibung": "alle Kreise Deutschlands, vom 31.12.2017 auf den 31.12.2020 gerechnet",
            "median": round(float(total["modell_median"]), 2),
            "p90": round(float(total["modell_p90"]), 2),
        },
    }


def run_all(population: pd.DataFrame, directory: pd.DataFrame, laender: dict, settings: dict, markdown, summary_json) -> dict:
    """Both Kreis designs and both Gemeinde designs; writes the Markdown table and a JSON summary
    (with the sentence values the report cites)."""
    import json

    _require_years(population, (2015, 2017, 2020))
    back = settings.get("rueckblick", {})
    rate = back.get("wanderung_deutschland_je_1000", 0.0)
    earliest = _first_directory(directory)[:4]
    designs, labels = kreis_designs(population, directory, laender, settings, rate, earliest)
    gem = gemeinde_designs(directory, settings)
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(_markdown(designs, labels, gem, rate, back.get("quelle", ""), earliest), encoding="utf-8")
    result = _result(designs, gem)
    summary_json.write_text(json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return result


def kreis_gemeinde_backtest(history: pd.DataFrame, year: int, settings: dict) -> dict | None:
    """The Gemeinde back-test of one Kreis with what its report knows: of the directories up to
    ``year`` (``history``: area_id, year, value on the current territory) the newest is the target,
    the one before it the base, the trend runs from the first to the base. The real total of the
    Gemeinden inhabited at base and target is distributed by the model (``gemeinde_model``) and by
    constant shares; returns the median absolute percentage error over these Gemeinden of both and
    whether the trend was ``genauer``, ``gleich`` or ``ungenauer`` at the printed precision (one
    decimal); ``None`` with fewer than three directories or fewer than two such Gemeinden."""
    years = sorted(int(y) for y in history["year"].unique() if y <= year)
    if len(years) < 3:
        return None
    base, target = years[-2], years[-1]
    wide = history.groupby(["area_id", "year"])["value"].sum(min_count=1).unstack()
    keep = wide.index[(wide[base] > 0) & (wide[target] > 0)]
    if len(keep) < 2:
        return None
    shares, model = gemeinde_model(history[history["year"] <= base], base, [target], settings)
    trend = shares.set_index("area_id")["share"].reindex(keep)
    constant = wide.loc[keep, base]
    actual = wide.loc[keep, target]

    def median_error(weights: pd.Series) -> float:
        predicted = weights / weights.sum() * actual.sum()
        return float(((predicted / actual - 1).abs() * 100).median())

    errors = {"trend": round(median_error(trend), 2), "konstant": round(median_error(constant), 2)}
    printed = {k: round(v, 1) for k, v in errors.items()}  # the verdict from the values the report prints
    verdict = (
        "genauer"
        if printed["trend"] < printed["konstant"]
        else "gleich"
        if printed["trend"] == printed["konstant"]
        else "ungenauer"
    )
    return {
        "von": years[0],
        "basis": base,
        "ziel": target,
        "gemeinden": len(keep),
        "methode": model.method,
        **errors,
        "vergleich": verdict,
    }
