"""Seeded generator of plausible district-owned small-area data, calibrated to real Kreis totals.

Official statistics stop at the Kreis for most small-area topics. A Landkreis supplies its own
Gemeinde data from its register, the Jobcenter and the counselling providers; until it does, this
generator writes the same input templates with SYNTHETIC values:

- population per Gemeinde × sex × age group × nationality: sums per sex and age group equal the
  real Kreis totals of table 12411-0018 (75+ split into 75–79, 80–84, 85+ by fixed shares);
  Gemeinde totals follow the real GV-ISys populations (interpolated between directories);
- unemployed and long-term unemployed: sums equal the real Kreis annual averages (13211-02-05-4);
- SGB II, Bedarfsgemeinschaften, births, deaths, moves, counselling cases and capacity: plausible
  rates (stated in ``ASSUMPTIONS``), the population change of the Kreis reproduced exactly.

Every value is integer; totals are allocated with the largest-remainder method so that they add
up exactly. The same seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from sozialbericht.compute.rounding import largest_remainder
from sozialbericht.core.ages import age_groups
from sozialbericht.core.files import normalise_zip

AGE_GROUPS = [
    "unter 3 Jahre",
    "3 bis unter 6 Jahre",
    "6 bis unter 10 Jahre",
    "10 bis unter 15 Jahre",
    "15 bis unter 18 Jahre",
    "18 bis unter 20 Jahre",
    "20 bis unter 25 Jahre",
    "25 bis unter 30 Jahre",
    "30 bis unter 35 Jahre",
    "35 bis unter 40 Jahre",
    "40 bis unter 45 Jahre",
    "45 bis unter 50 Jahre",
    "50 bis unter 55 Jahre",
    "55 bis unter 60 Jahre",
    "60 bis unter 65 Jahre",
    "65 bis unter 75 Jahre",
    "75 bis unter 80 Jahre",
    "80 bis unter 85 Jahre",
    "85 Jahre und mehr",
]
FIELDS = [
    "Schuldnerberatung",
    "Suchtberatung",
    "Schwangerschafts- und Schwangerschaftskonfliktberatung",
    "Ehe-, Familien- und Lebensberatung",
    "Erziehungsberatung",
]
ASSUMPTIONS = {
    "split_75plus": {"75 bis unter 80 Jahre": 0.40, "80 bis unter 85 Jahre": 0.32, "85 Jahre und mehr": 0.28},
    "auslaenderanteil": 0.045,  # share of non-Germans, higher among 18–45 year olds
    "sgb2_quote_je_alq": 1.6,  # SGB II quote (per 100 under 65) ≈ 1.6 × unemployment rate
    "sgb2_u15_faktor": 1.5,  # child poverty ≈ 1.5 × SGB II quote
    "personen_je_bg": 1.75,
    "anteil_bg_mit_kindern": 0.30,
    "anteil_alleinerziehend": 0.45,
    "geburten_je_1000": 7.2,
    "sterbefaelle_je_1000": 14.8,
    "zuzuege_je_1000": 45.0,
    "beratung_faelle_je_10000": {
        "Schuldnerberatung": 55,
        "Suchtberatung": 40,
        "Schwangerschafts- und Schwangerschaftskonfliktberatung": 22,
        "Ehe-, Familien- und Lebensberatung": 28,
        "Erziehungsberatung": 75,
    },
    "anteil_mehrfachproblematik": 0.27,
    "faelle_je_vzae": 160,
}


def _gemeinde_weights(gv: pd.DataFrame, kreis: str, year: int) -> pd.DataFrame:
    """Gemeinde population by sex at 31.12. of ``year``, linearly interpolated between directories."""
    own = gv[(gv["area_id"].str[:5] == kreis) & gv["variable"].isin(["bevoelkerung_maennlich", "bevoelkerung_weiblich"])]
    wide = own.pivot_table(index="area_id", columns=["period", "variable"], values="value", aggfunc="sum")
    years = sorted({int(p[:4]) for p, _ in wide.columns})
    lo = max([y for y in years if y <= year], default=years[0])
    hi = min([y for y in years if y >= year], default=years[-1])
    t = 0 if hi == lo else (year - lo) / (hi - lo)
    out = {}
    for sex, var in (("männlich", "bevoelkerung_maennlich"), ("weiblich", "bevoelkerung_weiblich")):
        a, b = wide[(f"{lo}-12-31", var)], wide[(f"{hi}-12-31", var)]
        out[sex] = (a * (1 - t) + b * t).fillna(0)
    return pd.DataFrame(out)


def generate(
    kreis: str,
    years: list[int],
    population: pd.DataFrame,
    unemployment: pd.DataFrame,
    directory: pd.DataFrame,
    out_dir: Path,
    seed: int = 2020,
    standard: dict | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, Path]:
    """Write the district's input files for ``years`` into ``out_dir``; returns the files written.

    ``population``, ``unemployment`` and ``directory`` are the staged national tables
    (12411-0018, 13211-02-05-4 with renamed variables, GV-ISys). With the counselling data
    standard (``standard``, config/beratung.yaml; ``names``: ARS → Gemeinde name) the counselling
    data are one workbook per provider for the last two years (``beratung/``), else the district's
    aggregate workbook ``beratung.xlsx``."""
    rng = np.random.default_rng(seed)
    directory = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] != "textkennzeichen")]
    latest = directory[directory["area_id"].str[:5] == kreis]["period"].max()
    gemeinden = sorted(directory[(directory["area_id"].str[:5] == kreis) & (directory["period"] == latest)]["area_id"].unique())
    n = len(gemeinden)
    # Fixed Gemeinde characteristics: age profile (younger/older), social risk, foreign share.
    youth = rng.normal(0, 0.12, n)
    risk = np.exp(rng.normal(0, 0.30, n))
    foreign = np.clip(rng.lognormal(np.log(ASSUMPTIONS["auslaenderanteil"]), 0.5, n), 0.005, 0.2)
    ages = age_groups(population[population["area_id"] == kreis])
    rows_pop, rows_al, rows_sgb, rows_bew = [], [], [], []
    previous_total = None
    for year in years:
        weights = _gemeinde_weights(directory, kreis, year).reindex(gemeinden).fillna(0)
        k = ages[ages["period"] == f"{year}-12-31"]
        if k.empty:
            raise ValueError(f"no Kreis population of {kreis} for {year} in 12411-0018")
        pop = {}
        for sex in ("männlich", "weiblich"):
            for label, value in zip(k[k["sex"] == sex]["age_label"], k[k["sex"] == sex]["value"]):
                parts = ASSUMPTIONS["split_75plus"] if label == "75 Jahre und mehr" else {label: 1.0}
                shares = largest_remainder(int(value), np.array(list(parts.values())))
                for (sub, _), count in zip(parts.items(), shares):
                    lo = int(sub.split()[0]) if sub[0].isdigit() else 0
                    tilt = np.exp(youth * (40 - lo) / 40)  # young Gemeinden have more children, fewer old
                    alloc = largest_remainder(int(count), weights[sex].to_numpy() * tilt)
                    for g, c in zip(gemeinden, alloc):
                        pop[(g, sex, sub)] = c
        for (g, sex, label), c in sorted(pop.items()):
            i = gemeinden.index(g)
            lo = int(label.split()[0]) if label[0].isdigit() else 0
            rate = foreign[i] * (1.8 if 18 <= lo < 45 else 0.6 if lo >= 65 else 1.0)
            nd = int(rng.binomial(c, min(rate, 0.9)))
            rows_pop.append([g, f"{year}-12-31", sex, label, "deutsch", c - nd])
            rows_pop.append([g, f"{year}-12-31", sex, label, "nichtdeutsch", nd])
        total_g = np.array([sum(v for (g2, _, _), v in pop.items() if g2 == g) for g in gemeinden])
        work_age = np.array(
            [
                sum(
                    v
                    for (g2, _, lbl), v in pop.items()
                    if g2 == g and 15 <= (int(lbl.split()[0]) if lbl[0].isdigit() else 0) < 65
                )
                for g in gemeinden
            ]
        )
        children = np.array(
            [
                sum(v for (g2, _, lbl), v in pop.items() if g2 == g and (int(lbl.split()[0]) if lbl[0].isdigit() else 0) < 15)
                for g in gemeinden
            ]
        )
        under65 = np.array(
            [
                sum(v for (g2, _, lbl), v in pop.items() if g2 == g and (int(lbl.split()[0]) if lbl[0].isdigit() else 0) < 65)
                for g in gemeinden
            ]
        )
        u = unemployment[(unemployment["area_id"] == kreis) & (unemployment["period"] == str(year))].set_index("variable")[
            "value"
        ]
        al = largest_remainder(int(u["arbeitslose"]), work_age * risk)
        lz = np.minimum(al, largest_remainder(int(u["arbeitslose_langzeit"]), work_age * risk**1.3))
        rows_al += [[g, year, a, b] for g, a, b in zip(gemeinden, al, lz)]
        quote = float(u["alq"]) * ASSUMPTIONS["sgb2_quote_je_alq"] / 100
        lb = largest_remainder(int(round(quote * under65.sum())), under65 * risk**1.2)
        lb15 = np.minimum(
            np.minimum(lb, children),
            largest_remainder(int(round(quote * ASSUMPTIONS["sgb2_u15_faktor"] * children.sum())), children * risk**1.4),
        )
        bg = np.maximum(np.round(lb / ASSUMPTIONS["personen_je_bg"]).astype(int), (lb > 0).astype(int))
        bgk = np.minimum(bg, np.round(bg * ASSUMPTIONS["anteil_bg_mit_kindern"] * rng.uniform(0.85, 1.15, n)).astype(int))
        allein = np.minimum(bgk, np.round(bgk * ASSUMPTIONS["anteil_alleinerziehend"] * rng.uniform(0.85, 1.15, n)).astype(int))
        rows_sgb += [[g, f"{year}-12-31", *vals] for g, *vals in zip(gemeinden, lb, lb15, bg, bgk, allein)]
        kreis_total = int(total_g.sum())
        if previous_total is not None:
            births = largest_remainder(int(round(ASSUMPTIONS["geburten_je_1000"] / 1000 * kreis_total)), total_g * np.exp(youth))
            deaths = largest_remainder(
                int(round(ASSUMPTIONS["sterbefaelle_je_1000"] / 1000 * kreis_total)), total_g * np.exp(-youth)
            )
            moves_in = largest_remainder(int(round(ASSUMPTIONS["zuzuege_je_1000"] / 1000 * kreis_total)), total_g)
            net = kreis_total - previous_total - int(births.sum() - deaths.sum())
            moves_out = largest_remainder(int(moves_in.sum()) - net, total_g * rng.uniform(0.9, 1.1, n))
            rows_bew += [[g, year, b, d, i, o] for g, b, d, i, o in zip(gemeinden, births, deaths, moves_in, moves_out)]
        previous_total = kreis_total
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {}

    def write(name, header, rows):
        df = pd.DataFrame(rows, columns=header)
        path = out_dir / name
        df.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
        files[name] = path

    write(
        "bevoelkerung_gemeinden.csv",
        ["ars", "stichtag", "geschlecht", "altersgruppe", "staatsangehoerigkeit", "anzahl"],
        rows_pop,
    )
    write("arbeitslose_gemeinden.csv", ["ars", "jahr", "arbeitslose", "langzeitarbeitslose"], rows_al)
    write(
        "sgb2_gemeinden.csv",
        [
            "ars",
            "stichtag",
            "leistungsberechtigte",
            "leistungsberechtigte_unter15",
            "bedarfsgemeinschaften",
            "bg_mit_kindern",
            "bg_alleinerziehend",
        ],
        rows_sgb,
    )
    write("bewegungen_gemeinden.csv", ["ars", "jahr", "geburten", "sterbefaelle", "zuzuege", "fortzuege"], rows_bew)
    if standard is None:
        files["beratung.xlsx"] = _counselling(gemeinden, total_g, risk, years[-1], out_dir / "beratung.xlsx", rng)
        return files
    for year in years[-2:]:
        files.update(_counselling_standard(gemeinden, total_g, risk, year, out_dir / "beratung", rng, standard, names or {}))
    return files


#: Synthetic counselling cases: the problem area each field starts from, the chance of each further
#: area, the age groups of the clients and the providers that deliver grouped counts (``anzahl``).
CASES = {
    "hauptproblem": {
        "Schuldnerberatung": "schulden",
        "Suchtberatung": "sucht",
        "Schwangerschafts- und Schwangerschaftskonfliktberatung": "schwangerschaft",
        "Ehe-, Familien- und Lebensberatung": "partnerschaft",
        "Erziehungsberatung": "erziehung",
    },
    "weitere": {
        "schulden": 0.07,
        "arbeit_existenz": 0.08,
        "wohnen": 0.05,
        "sucht": 0.04,
        "gesundheit": 0.08,
        "erziehung": 0.05,
        "partnerschaft": 0.06,
        "gewalt": 0.03,
    },
    "altersgruppen": {
        "Erziehungsberatung": [0.55, 0.05, 0.30, 0.10, 0.0, 0.0],
        "Schwangerschafts- und Schwangerschaftskonfliktberatung": [0.05, 0.45, 0.48, 0.02, 0.0, 0.0],
    },
    "altersgruppen_sonst": [0.01, 0.16, 0.45, 0.30, 0.07, 0.01],
    "gruppiert": {"Träger D"},
}


def _providers(gemeinden: list[str], population: np.ndarray) -> dict[str, list[tuple[str, str]]]:
    """Field → [(provider, site Gemeinde)]: one or two providers per field at the largest Gemeinden."""
    big = [gemeinden[i] for i in np.argsort(-population)[:4]]
    return {
        field: [(f"Träger {chr(65 + (j + k) % 4)}", big[(j + k) % len(big)]) for k in range(2 if j % 2 == 0 else 1)]
        for j, field in enumerate(FIELDS)
    }


def _counselling_standard(
    gemeinden: list[str], population: np.ndarray, risk: np.ndarray, year: int, folder: Path, rng, standard: dict, names: dict
) -> dict[str, Path]:
    """One workbook per provider in the counselling data standard: anonymous case records (one
    provider delivers grouped counts) with Gemeinde of residence, characteristics and problem
    areas, and its sites with capacity, opening hours, accessibility and languages."""
    from sozialbericht.ingest.counselling.template import write_workbook
    from sozialbericht.ingest.counselling.workbook import slug

    providers = _providers(gemeinden, population)
    traits = standard["merkmale"]
    cases: dict[str, list[dict]] = {}
    sites: dict[str, list[dict]] = {}
    for field in FIELDS:
        rate = ASSUMPTIONS["beratung_faelle_je_10000"][field] / 10_000
        expected = population * rate * (risk ** (0.8 if field in ("Schuldnerberatung", "Suchtberatung") else 0.4))
        counts = rng.poisson(expected)
        ages = CASES["altersgruppen"].get(field, CASES["altersgruppen_sonst"])
        for g, c in zip(gemeinden, counts):
            split = largest_remainder(int(c), np.ones(len(providers[field])))
            for (name, _), n_cases in zip(providers[field], split):
                for _ in range(int(n_cases)):
                    areas = {CASES["hauptproblem"][field]} | {a for a, q in CASES["weitere"].items() if rng.random() < q}
                    case = {
                        "wohnort_ars": g,
                        "beratungsfeld": field,
                        "altersgruppe": traits["altersgruppe"][int(rng.choice(len(ages), p=ages))],
                        "geschlecht": traits["geschlecht"][int(rng.choice(4, p=[0.42, 0.55, 0.01, 0.02]))],
                        "haushaltstyp": traits["haushaltstyp"][int(rng.choice(6, p=[0.30, 0.15, 0.25, 0.18, 0.07, 0.05]))],
                        **{a: True for a in areas},
                    }
                    cases.setdefault(name, []).append(case)
        field_total = int(counts.sum())
        for name, site in providers[field]:
            vzae = round(field_total / len(providers[field]) / ASSUMPTIONS["faelle_je_vzae"] * rng.uniform(0.8, 1.2) * 4) / 4
            sites.setdefault(name, []).append(
                {
                    "standort_ars": site,
                    "standort": f"Beratungsstelle {names.get(site, site).split(',')[0]}",
                    "beratungsfeld": field,
                    "vzae": max(vzae, 0.5),
                    "oeffnungsstunden": int(rng.choice([16, 20, 25, 30, 38])),
                    "barrierefrei": ["ja", "nein", "teilweise"][int(rng.choice(3, p=[0.6, 0.2, 0.2]))],
                    "sprachen": ["Deutsch", "Deutsch, Englisch", "Deutsch, Russisch", "Deutsch, Arabisch"][int(rng.choice(4))],
                }
            )
    files = {}
    for name in sorted(cases):
        rows = cases[name]
        if name in CASES["gruppiert"]:  # identical cases as one row with their number
            keyed: dict[tuple, dict] = {}
            for c in rows:
                key = tuple(sorted((k, str(v)) for k, v in c.items()))
                keyed.setdefault(key, {**c, "anzahl": 0})["anzahl"] += 1
            rows = list(keyed.values())
        else:
            rows = [{**c, "fall_nr": f"{year}-{i + 1:05d}"} for i, c in enumerate(rows)]
        meta = {"Träger": name, "Kennung": slug(name), "Berichtsjahr": year, "Ansprechperson": "", "E-Mail": ""}
        path = folder / f"{slug(name)}_{year}.xlsx"
        files[f"beratung/{path.name}"] = write_workbook(
            path, standard, names, meta, rows, sites.get(name, []), f"{year + 1}-01-31T00:00:00Z"
        )
    return files


def _counselling(gemeinden: list[str], population: np.ndarray, risk: np.ndarray, year: int, path: Path, rng) -> Path:
    """Cases per provider, field and Gemeinde of residence, and the providers' locations and
    capacity (full-time equivalents), as the providers' Excel delivery."""
    providers = _providers(gemeinden, population)
    cases, places = [], []
    for field in FIELDS:
        rate = ASSUMPTIONS["beratung_faelle_je_10000"][field] / 10_000
        expected = population * rate * (risk ** (0.8 if field in ("Schuldnerberatung", "Suchtberatung") else 0.4))
        counts = rng.poisson(expected)
        field_total = 0
        for g, c in zip(gemeinden, counts):
            split = largest_remainder(int(c), np.ones(len(providers[field])))
            for (name, _), n_cases in zip(providers[field], split):
                if n_cases:
                    multi = int(rng.binomial(n_cases, ASSUMPTIONS["anteil_mehrfachproblematik"]))
                    cases.append([name, field, g, year, int(n_cases), multi])
            field_total += int(c)
        for name, site in providers[field]:
            vzae = round(field_total / len(providers[field]) / ASSUMPTIONS["faelle_je_vzae"] * rng.uniform(0.8, 1.2) * 4) / 4
            places.append([name, field, site, year, max(vzae, 0.5)])
    wb = Workbook()
    ws = wb.active
    ws.title = "Faelle"
    ws.append(["traeger", "beratungsfeld", "wohnort_ars", "jahr", "faelle", "mehrfachproblematik"])
    for row in sorted(cases):
        ws.append(row)
    ws2 = wb.create_sheet("Stellen")
    ws2.append(["traeger", "beratungsfeld", "standort_ars", "jahr", "vzae"])
    for row in sorted(places):
        ws2.append(row)
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime(year, 12, 31)
    wb.properties.creator = "sozialbericht synthetic generator"
    wb.save(path)
    normalise_zip(path, f"{year}-12-31T00:00:00Z")
    return path


#: Synthetic participants of the example's weighting (issue 26): Kennung, name, role and the
#: indicators each puts weight on (a prior of the Dirichlet draw; equal where not named).
PARTICIPANTS = [
    ("traeger-a", "Träger A (synthetisch)", "traeger", {"kinderarmut": 3.0, "sgb2": 2.0}),
    ("traeger-b", "Träger B (synthetisch)", "traeger", {"langzeit": 2.5, "kinderarmut": 1.5}),
    ("jobcenter", "Jobcenter (synthetisch)", "jobcenter", {"arbeitslos": 2.5, "langzeit": 2.5, "sgb2": 1.5}),
    ("planung", "Sozialplanung des Kreises (synthetisch)", "planung", {}),
    ("kag", "Kreisarbeitsgemeinschaft der freien Wohlfahrtspflege (synthetisch)", "kag", {"kinderarmut": 2.0}),
]


def participation(
    folder: Path, kreis: str, year: int, rows: list[dict], seed: int = 2020, participants: list[dict] | None = None
) -> dict[str, Path]:
    """SYNTHETIC filled participation workbooks (``beteiligung/<kennung>.xlsx``): each participant
    distributes 100 whole points over the candidate indicators (``rows`` as for
    ``participation.write_template``), drawn from a Dirichlet distribution around the
    participant's emphasis, with a reason for its largest allocation. Byte-reproducible.
    ``participants``: ``{kennung, name, rolle}`` of the district's ``beteiligte`` (default: those
    of :data:`PARTICIPANTS`); a Kennung of :data:`PARTICIPANTS` keeps its emphasis."""
    from openpyxl import load_workbook

    from sozialbericht.core.files import normalise_zip
    from sozialbericht.ingest.participation import FOLDER, write_template

    emphases = {kennung: emphasis for kennung, _, _, emphasis in PARTICIPANTS}
    chosen = (
        [(p["kennung"], p["name"], p["rolle"], emphases.get(p["kennung"], {})) for p in participants]
        if participants
        else PARTICIPANTS
    )
    rng = np.random.default_rng(seed)
    stamp = f"{year + 1}-01-15T00:00:00Z"
    out = {}
    for kennung, name, role, emphasis in chosen:
        prior = np.array([next((w for key, w in emphasis.items() if key in r["kennung"]), 1.0) for r in rows]) * 4
        points = largest_remainder(100, rng.dirichlet(prior))
        path = write_template(
            folder / FOLDER / f"{kennung}.xlsx", {"kennung": kennung, "name": name, "rolle": role}, kreis, year, rows, stamp
        )
        wb = load_workbook(path)
        sheet = wb["Gewichte"]
        top = int(np.argmax(points))
        for i, value in enumerate(points):
            sheet.cell(row=i + 2, column=7, value=int(value))
            if i == top:
                sheet.cell(
                    row=i + 2,
                    column=8,
                    value=f"Synthetisches Beispiel: {rows[i]['name']} zeigt aus unserer Sicht den Bedarf am deutlichsten.",
                )
        wb.save(path)
        normalise_zip(path, stamp)
        out[f"{FOLDER}/{kennung}.xlsx"] = path
    return out
