"""Cohort-component population projection at Kreis level, distributed to Gemeinden.

Single years of age 0…100 (100 = 100 and older), both sexes, one-year steps from the base year to
the target year: survivors age by one year (Gompertz mortality calibrated to the configured life
expectancy at birth), births from age-specific fertility (configured total fertility rate spread
over ages 15–49 by a normal curve), net migration by age (configured annual total spread by a
profile that peaks in young adulthood). Gemeinden get the Kreis result by their constant share in
each age group of the base year ("Anteilsfortschreibung").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AGES = np.arange(101)


def survival(life_expectancy: float, slope: float = 0.085) -> np.ndarray:
    """Probability to survive from age x to x+1 (x = 0…100) under Gompertz mortality
    μ(x) = a·exp(slope·x) with ``a`` chosen so that the life expectancy at birth matches."""
    def e0(a):
        mu = a * np.exp(slope * np.arange(0, 131))
        surv = np.exp(-np.cumsum(mu))
        return 0.5 + surv.sum()

    lo, hi = 1e-7, 1e-1
    for _ in range(100):  # bisection: e0 falls as a rises
        mid = (lo * hi) ** 0.5
        lo, hi = (mid, hi) if e0(mid) > life_expectancy else (lo, mid)
    a = (lo * hi) ** 0.5
    p = np.exp(-a * np.exp(slope * AGES) * (np.exp(slope) - 1) / slope)
    p[-1] = np.exp(-a * np.exp(slope * 100) / slope * (np.exp(slope * 10) - 1) / 10)  # open age group, average
    return p


def fertility(tfr: float, mean_age: float = 30.5, sd: float = 5.5) -> np.ndarray:
    """Age-specific fertility rates (births per woman and year) that add up to ``tfr``."""
    f = np.where((AGES >= 15) & (AGES <= 49), np.exp(-0.5 * ((AGES - mean_age) / sd) ** 2), 0.0)
    return f / f.sum() * tfr


def migration_profile(peak: float = 24.0, sd: float = 9.0, child_share: float = 0.15) -> np.ndarray:
    """Share of the annual net migration by age: peak in young adulthood, children with their parents."""
    adults = np.exp(-0.5 * ((AGES - peak) / sd) ** 2)
    children = np.where(AGES < 15, 1.0, 0.0)
    profile = adults / adults.sum() * (1 - child_share) + children / children.sum() * child_share
    return profile


def single_years(groups: pd.DataFrame, open_until: int = 100) -> np.ndarray:
    """Spread counts of age groups (columns age_from, age_to, value) evenly over single years;
    the open group declines with (open_until − age)^1.5, which reproduces the usual shares of
    75–79, 80–84 and 85+ year olds in the open group 75+."""
    out = np.zeros(len(AGES))
    for lo, hi, value in zip(groups["age_from"], groups["age_to"], groups["value"]):
        if pd.isna(hi):
            weights = np.clip(open_until - AGES, 0, None) ** 1.5 * (AGES >= lo)
        else:
            weights = ((AGES >= lo) & (AGES < int(hi))).astype(float)
        out += value * weights / weights.sum()
    return out


def project_step(pop_m: np.ndarray, pop_f: np.ndarray, p_m: np.ndarray, p_f: np.ndarray, asfr: np.ndarray,
                 net_migration: float, profile: np.ndarray, sex_ratio_birth: float = 1.05):
    """One year: survive and age, add births (to age 0) and net migration (half to each sex)."""
    def age(pop, p):
        new = np.zeros_like(pop)
        new[1:] = pop[:-1] * p[:-1]
        new[-1] += pop[-1] * p[-1]  # the open age group stays
        return new

    births = float((asfr * pop_f).sum())
    boys = births * sex_ratio_birth / (1 + sex_ratio_birth)
    new_m, new_f = age(pop_m, p_m), age(pop_f, p_f)
    new_m[0] += boys * p_m[0] ** 0.5
    new_f[0] += (births - boys) * p_f[0] ** 0.5
    new_m += net_migration / 2 * profile
    new_f += net_migration / 2 * profile
    return np.clip(new_m, 0, None), np.clip(new_f, 0, None), births


def project(base_m: np.ndarray, base_f: np.ndarray, base_year: int, target_year: int, assumptions: dict) -> pd.DataFrame:
    """Kreis projection: one row per year, sex and single age (columns year, sex, age, value)."""
    slope = assumptions.get("gompertz_steigung", 0.085)
    p_m = survival(assumptions["lebenserwartung_maennlich"], slope)
    p_f = survival(assumptions["lebenserwartung_weiblich"], slope)
    asfr = fertility(assumptions["geburtenziffer"])
    profile = migration_profile()
    rows = []
    m, f = base_m.astype(float), base_f.astype(float)
    for year in range(base_year, target_year + 1):
        if year > base_year:
            m, f, _ = project_step(m, f, p_m, p_f, asfr, assumptions["wanderungssaldo_je_jahr"], profile)
        rows.append(pd.DataFrame({"year": year, "sex": "männlich", "age": AGES, "value": m}))
        rows.append(pd.DataFrame({"year": year, "sex": "weiblich", "age": AGES, "value": f}))
    return pd.concat(rows, ignore_index=True)


PLANNING_GROUPS = {"0 bis 2 Jahre (Krippe)": (0, 3), "3 bis 5 Jahre (Kita)": (3, 6), "6 bis 9 Jahre (Grundschule)": (6, 10),
                   "10 bis 17 Jahre": (10, 18), "18 bis 64 Jahre": (18, 65), "65 Jahre und älter": (65, 101),
                   "80 Jahre und älter": (80, 101), "insgesamt": (0, 101)}


def planning_groups(result: pd.DataFrame) -> pd.DataFrame:
    """Projection summed to the age groups planning needs (rows: year × group)."""
    rows = []
    for label, (lo, hi) in PLANNING_GROUPS.items():
        part = result[(result["age"] >= lo) & (result["age"] < hi)].groupby("year")["value"].sum()
        rows.append(pd.DataFrame({"year": part.index, "group": label, "value": part.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def distribute(kreis_groups: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Gemeinde results: Kreis value of each planning group × the Gemeinde's constant share
    (``shares``: columns area_id, group, share; shares of a group add up to 1)."""
    out = kreis_groups.merge(shares, on="group")
    out["value"] = out["value"] * out["share"]
    return out[["area_id", "year", "group", "value"]]
