"""Population projection of a Kreis: a cohort-component model calibrated on the Kreis's own past.
Its distribution to the Gemeinden: ``gemeinde_projection``; integers that add up: ``rounding``.

Kreis model, single years of age 0…100 (100 = 100 and older), both sexes, one-year steps:

- **Base population**: the 17 age groups of table 12411-0018 spread over single years with a
  monotone cubic (PCHIP) interpolation of the cumulative counts; the open group 75+ declines
  towards age 100.
- **Mortality**: Gompertz mortality plus infant mortality. Its age pattern (the slope, per sex)
  reproduces the national life table's life expectancy at birth and at 65 (``sterbetafel``), its
  level the life expectancy at birth of the Kreis's Land (``config/laender.yaml``); with
  age-structured history the level is then fitted to the survival of the Kreis's own elderly.
- **Fertility**: the Kreis's own child–woman ratio at the base date: children under 3 against
  women by age, i.e. the total fertility rate that reproduces the Kreis's births of the last three
  years (age pattern: normal curve around 30.5 years).
- **Net migration by age and sex**:
  *with age-structured history* (two or more reference dates up to the base year): the Kreis's
  own residual migration by single age and sex (cohort change minus modelled survival and births),
  averaged over the history; its national part is rescaled from the national net migration of
  the past to the assumed future national level (``wanderung_deutschland_je_1000``), its Kreis-
  specific part (the deviation from the national pattern) is kept with factor ``gewicht_eigen``;
  *with one age-structured date only*: the Kreis's net migration rate of the women between an
  earlier total (GV-ISys) and the base date, relative to the national rate of the same years,
  kept with factor ``gewicht_nur_summen`` on top of the assumed national level, spread over ages by a
  standard age profile (women's change, because the refugee reception of 2015 was mostly men and
  temporary).
- **Germany's past** (``national_past``): Germany's residual migration by age and sex (with one
  date: its women's rate) is computed once, for Germany with Germany's survival (the national
  life table ``sterbetafel``, its level fitted to Germany's own elderly as for a Kreis), and is the
  same for every Kreis; it is the figure the report prints for Germany. It used to be computed
  per Kreis with the Kreis's own survival: where the Kreis's elderly survive far better or worse
  than its Land's, Germany's past migration came out near zero or negative, and rescaling the
  national part by the ratio of the assumed to that past level blew it up (Potsdam, mortality
  factor 0,65: 182.112 → 429.456 inhabitants by 2035; Suhl, 0,57: Krippe 655 → 2, Kita 808 → 0).
- **Variants**: the national migration level low / middle / high (``wanderung_varianten``):
  a variant adds the difference of its national level to the middle one, per 1,000 of the
  Kreis's population, spread over ages by the standard profile (``migration_profile``) – as the
  method with one age-structured date does. The Kreis's national residual is not used for it:
  besides migration it holds the mortality model's error (applied to Germany it leaves about
  +120.000 people a year at 65–79 and −130.000 at 80 and older, far beyond Germany's real net
  migration of the elderly), and it is at the past national level, not the assumed one; scaled
  with the variant, it made the high variant project fewer people of 80 and older than the low
  one in most Kreise, and widened the range by the ratio of the past to the assumed level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from sozialbericht.compute.rounding import largest_remainder

AGES = np.arange(101)
SEXES = ("männlich", "weiblich")
SEX_RATIO_BIRTH = 1.05
#: Planning groups: disjoint groups that add up to the total ("darunter" rows are derived).
PLANNING_GROUPS = {
    "0 bis 2 Jahre (Krippe)": (0, 3),
    "3 bis 5 Jahre (Kita)": (3, 6),
    "6 bis 9 Jahre (Grundschule)": (6, 10),
    "10 bis 17 Jahre": (10, 18),
    "18 bis 64 Jahre": (18, 65),
    "65 bis 79 Jahre": (65, 80),
    "80 Jahre und älter": (80, 101),
}
#: Derived groups shown with the planning groups.
DERIVED_GROUPS = {"65 Jahre und älter": ["65 bis 79 Jahre", "80 Jahre und älter"], "insgesamt": list(PLANNING_GROUPS)}


# --- the base population -------------------------------------------------------------------------
def spread(age_from: np.ndarray, age_to: np.ndarray, values: np.ndarray, open_until: int = 100) -> np.ndarray:
    """Spread counts of age groups over single years 0…100 for many series at once.

    ``age_from``/``age_to``: the groups' bounds (``age_to`` NaN for the open group), sorted by
    ``age_from``; ``values``: series × groups. Monotone cubic interpolation (PCHIP) of the
    cumulative counts over the closed groups, rescaled so that every group keeps its total; the open
    group declines with (open_until − age)^1.5. Returns series × 101."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    age_to = np.asarray(age_to, dtype=float)
    closed = ~np.isnan(age_to)
    out = np.zeros((values.shape[0], len(AGES)))
    if closed.any():
        lo0 = int(age_from[closed][0])
        bounds = np.concatenate([[lo0], age_to[closed]]).astype(int)
        cum = np.concatenate([np.zeros((values.shape[0], 1)), np.cumsum(values[:, closed], axis=1)], axis=1)
        from scipy.interpolate import PchipInterpolator  # here: report jobs import this module without needing SciPy

        spline = PchipInterpolator(bounds, cum, axis=1)
        dense = np.clip(np.diff(spline(np.arange(bounds[0], bounds[-1] + 1)), axis=1), 0, None)
        out[:, bounds[0] : bounds[-1]] = dense
        for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            part = out[:, lo:hi].sum(axis=1)
            target = values[:, closed][:, k]
            scale = np.divide(target, part, out=np.zeros_like(part), where=part > 0)
            out[:, lo:hi] = np.where((part > 0)[:, None], out[:, lo:hi] * scale[:, None], (target / (hi - lo))[:, None])
    for k in np.flatnonzero(~closed):
        weights = np.clip(open_until - AGES, 0, None) ** 1.5 * (AGES >= age_from[k])
        out += values[:, [k]] * (weights / weights.sum())[None, :]
    return out


def single_years(groups: pd.DataFrame, open_until: int = 100) -> np.ndarray:
    """One series of age groups (columns age_from, age_to, value) spread over single years 0…100."""
    g = groups.sort_values("age_from")
    return spread(g["age_from"].to_numpy(), g["age_to"].to_numpy(dtype=float), g["value"].to_numpy(float)[None, :], open_until)[0]


# --- components -----------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _survival(life_expectancy: float, slope: float, infant: float) -> tuple:
    return tuple(_survival_curve(life_expectancy, slope, infant))


def survival(life_expectancy: float, slope: float = 0.10, infant: float = 0.0) -> np.ndarray:
    """Probability to survive from age x to x+1 (x = 0…100) under Gompertz mortality
    μ(x) = a·exp(slope·x) plus the infant mortality ``infant`` in the first year, with ``a`` such
    that the life expectancy at birth matches (cached)."""
    return np.array(_survival(float(life_expectancy), float(slope), float(infant)))


def _curve(a: float, slope: float, infant: float) -> np.ndarray:
    p = np.exp(-a * np.exp(slope * AGES) * (np.exp(slope) - 1) / slope)
    p[0] *= 1 - infant
    p[-1] = np.exp(-a * np.exp(slope * 100) / slope * (np.exp(slope * 10) - 1) / 10)  # open age group, average
    return p


def _survival_curve(life_expectancy: float, slope: float, infant: float = 0.0) -> np.ndarray:
    """The curve whose Gompertz level ``a`` gives the life expectancy at birth (bisection)."""
    lo, hi = 1e-8, 1e-1
    for _ in range(100):  # life expectancy falls as a rises
        mid = (lo * hi) ** 0.5
        lo, hi = (mid, hi) if remaining_life(_curve(mid, slope, infant), 0) > life_expectancy else (lo, mid)
    return _curve((lo * hi) ** 0.5, slope, infant)


def remaining_life(p: np.ndarray, age: int) -> float:
    """Life expectancy at ``age`` of the survival curve ``p`` (ages beyond 100 at the open group's rate)."""
    tail = np.concatenate([p[age:], np.full(40, p[-1])])
    return float(0.5 + np.cumprod(tail).sum())


@lru_cache(maxsize=16)
def fitted_slope(life_expectancy: float, at_65: float, infant: float) -> float:
    """Gompertz slope that reproduces a life table's life expectancy at birth *and* at 65 (with
    its infant mortality): the age pattern of mortality, taken from the national life table."""
    lo, hi = 0.05, 0.20
    for _ in range(50):  # a steeper slope leaves less life after 65
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if remaining_life(survival(life_expectancy, mid, infant), 65) > at_65 else (lo, mid)
    return round((lo + hi) / 2, 5)


def mortality_shape(settings: dict) -> tuple[tuple[float, float], float]:
    """(slope men, slope women) and infant mortality from ``settings["sterbetafel"]`` (the national
    life table: life expectancy at birth and at 65 by sex, infant mortality); without it the
    classic slope 0.10 for both sexes and no separate infant mortality."""
    table = settings.get("sterbetafel")
    if not table:
        return (0.10, 0.10), 0.0
    infant = float(table["saeuglingssterblichkeit"])
    slopes = tuple(
        fitted_slope(float(table["lebenserwartung_geburt"][sex]), float(table["lebenserwartung_65"][sex]), infant)
        for sex in ("maennlich", "weiblich")
    )
    return slopes, infant


def fertility(tfr: float, mean_age: float = 30.5, sd: float = 5.5) -> np.ndarray:
    """Age-specific fertility rates (births per woman and year) that add up to ``tfr``."""
    f = np.where((AGES >= 15) & (AGES <= 49), np.exp(-0.5 * ((AGES - mean_age) / sd) ** 2), 0.0)
    return f / f.sum() * tfr


def migration_profile(peak: float = 24.0, sd: float = 9.0, child_share: float = 0.15) -> np.ndarray:
    """Standard share of a net migration by age: young adults, children with their parents."""
    adults = np.exp(-0.5 * ((AGES - peak) / sd) ** 2)
    children = np.where(AGES < 15, 1.0, 0.0)
    return adults / adults.sum() * (1 - child_share) + children / children.sum() * child_share


def step(pop: np.ndarray, surv: np.ndarray, asfr: np.ndarray, migration: np.ndarray | float = 0.0) -> tuple[np.ndarray, float]:
    """One year: survive and age (pop: 2 × 101, men and women), births to age 0, then net migration."""
    new = np.zeros_like(pop)
    new[:, 1:] = pop[:, :-1] * surv[:, :-1]
    new[:, -1] += pop[:, -1] * surv[:, -1]
    births = float((asfr * pop[1]).sum())
    boys = births * SEX_RATIO_BIRTH / (1 + SEX_RATIO_BIRTH)
    new[0, 0] += boys * surv[0, 0] ** 0.5
    new[1, 0] += (births - boys) * surv[1, 0] ** 0.5
    return np.clip(new + migration, 0, None), births


# --- calibration -----------------------------------------------------------------------------------
@dataclass
class Calibration:
    """What the projection of one Kreis uses, with the numbers the report states."""

    base_year: int
    life_expectancy: tuple[float, float]
    tfr: float
    migration: np.ndarray  # 2 × 101: net migration per year by sex and age at the middle level
    migration_national: np.ndarray  # 2 × 101: the part that scales with the national level
    national_rate: float  # assumed national net migration per 1,000 (middle)
    past_national_rate: float  # Germany's net migration per 1,000 in the past (``national_past``)
    own_rate: float  # the Kreis's own net migration per 1,000 in the calibration years
    history: list[int] = field(default_factory=list)
    method: str = ""
    slopes: tuple[float, float] = (0.10, 0.10)  # Gompertz slope (men, women), from the national life table
    infant: float = 0.0  # infant mortality
    mortality_factors: tuple[float, float] = (1.0, 1.0)  # the Kreis's mortality relative to its Land (men, women)

    def survival(self) -> np.ndarray:
        """Survival probabilities by sex and age (2 × 101) as calibrated."""
        return land_survival(self.life_expectancy, self.slopes, self.infant) ** np.array(self.mortality_factors)[:, None]

    def migration_at(self, national_rate: float) -> np.ndarray:
        """Net migration by sex and age for another national level (variants)."""
        if self.national_rate == 0:
            return self.migration
        return self.migration + self.migration_national * (national_rate / self.national_rate - 1)


def land_survival(life_expectancy: tuple[float, float], slopes: tuple[float, float], infant: float) -> np.ndarray:
    """Survival by sex and age (2 × 101) at the Land's life expectancy with the national age pattern."""
    return np.array([survival(life_expectancy[k], slopes[k], infant) for k in range(2)])


def _fertility_from_children(pop: np.ndarray) -> float:
    """Total fertility rate that reproduces the births behind the children under 3 (infant
    survival 0.996) given the women by age."""
    women = (fertility(1.0) * pop[1]).sum()
    return float(pop[:, :3].sum() / 3 / 0.996 / women) if women > 0 else 0.0


def _mortality_factor(history: dict[int, np.ndarray], years: list[int], surv: np.ndarray, sex: int, from_age: int = 65) -> float:
    """Factor on the Land's mortality that reproduces the Kreis's own survival of its elderly:
    the cohorts aged ``from_age`` and over at each later date against their survivors predicted
    from the date before (migration at these ages is small). Bisection on [0.3, 3]."""
    observed = sum(history[y1][sex, from_age:].sum() for y1 in years[1:])

    def predicted(factor):
        s = surv**factor
        total = 0.0
        for y0, y1 in zip(years, years[1:]):
            p = history[y0][sex].astype(float)
            for _ in range(y1 - y0):
                nxt = np.zeros_like(p)
                nxt[1:] = p[:-1] * s[:-1]
                nxt[-1] += p[-1] * s[-1]
                p = nxt
            total += p[from_age:].sum()
        return total

    lo, hi = 0.3, 3.0
    if not observed:
        return 1.0
    for _ in range(40):  # more mortality, fewer survivors
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if predicted(mid) > observed else (lo, mid)
    return round((lo + hi) / 2, 4)


@dataclass
class _Migration:
    """Net migration of a Kreis as calibrated, with the figures the report states."""

    by_age: np.ndarray  # 2 × 101: net migration per year by sex and age at the middle level
    national_part: np.ndarray  # 2 × 101: the part that scales with the national level (variants)
    past_national_rate: float  # Germany's net migration per 1,000 in the past (``national_past``)
    own_rate: float  # the Kreis's own net migration per 1,000 in the calibration years
    method: str


def _calibrated_survival(
    history: dict[int, np.ndarray], years: list[int], life_expectancy: tuple[float, float], settings: dict
) -> tuple[np.ndarray, tuple[float, float], float, tuple[float, float]]:
    """Survival by sex and age (2 × 101) at the Land's life expectancy with the national age
    pattern, scaled with age-structured history to the survival of the Kreis's own elderly; with
    the slopes, the infant mortality and the Kreis's mortality factors."""
    slopes, infant = mortality_shape(settings)
    surv = land_survival(life_expectancy, slopes, infant)
    factors = (1.0, 1.0)
    if len(years) >= 2:
        factors = tuple(_mortality_factor(history, years, surv[k], k) for k in range(2))
        surv = surv ** np.array(factors)[:, None]
    return surv, slopes, infant, factors


def residual_migration(series: dict[int, np.ndarray], years: list[int], surv: np.ndarray) -> np.ndarray:
    """Net migration per year by sex and age (2 × 101) as the rest of the cohorts' change between
    the reference dates ``years`` after the survival ``surv`` and the births, averaged over them.
    Births at the fertility of the last date, as in the projection: the residual at age 0 is then
    the children's migration, not a lag of the child–woman ratio."""
    asfr = fertility(_fertility_from_children(series[years[-1]]))
    out = []
    for y0, y1 in zip(years, years[1:]):
        expected = series[y0]
        for _ in range(y1 - y0):
            expected, _ = step(expected, surv, asfr)
        out.append((series[y1] - expected) / (y1 - y0))
    return np.mean(out, axis=0)


def _women_rate(women_now: float, women_then: float, span: int, pop_now: np.ndarray, surv: np.ndarray) -> float:
    """Net migration of the women per woman and year over ``span`` years: their change less their
    natural change (births of girls, deaths) at the date of ``pop_now`` (2 × 101)."""
    asfr = fertility(_fertility_from_children(pop_now))
    natural = (asfr * pop_now[1]).sum() / (1 + SEX_RATIO_BIRTH) - (pop_now[1] * (1 - surv[1])).sum()
    return ((women_now - women_then) / span - natural) / women_now


@dataclass(frozen=True)
class NationalPast:
    """Germany's past migration as every Kreis's calibration uses it, computed once for Germany
    with Germany's survival (``national_past``)."""

    population: float  # Germany's population at the base date
    rate: float  # net migration per 1,000 and year in ``years``
    years: list[int]  # the reference dates (with one date: the earlier total's year and the base year)
    residual: np.ndarray | None = None  # 2 × 101: net migration per year by sex and age (two or more dates)
    women_rate: float | None = None  # the women's net migration per woman and year (one date)


def germany_life_expectancy(settings: dict, laender: dict) -> tuple[float, float]:
    """Germany's life expectancy at birth (men, women): the national life table (``sterbetafel``),
    without it the mean of the Länder (``config/laender.yaml``)."""
    table = settings.get("sterbetafel", {}).get("lebenserwartung_geburt")
    if table:
        return float(table["maennlich"]), float(table["weiblich"])
    values = list(laender["laender"].values())
    return tuple(float(np.mean([v[f"lebenserwartung_{s}"] for v in values])) for s in ("maennlich", "weiblich"))


def national_past(
    national: dict[int, np.ndarray], life_expectancy: tuple[float, float], settings: dict, earlier: dict | None = None
) -> NationalPast:
    """Germany's past net migration from its population by single years (year → 2 × 101 at
    31.12.) and its survival: the national life table at ``life_expectancy``, with two or more
    dates fitted to Germany's own elderly as for a Kreis. With two or more dates the residual by
    age and sex; with one date the women's rate since ``earlier`` = ``{"year": y, "women": W}``
    (Germany's women at the earlier total)."""
    years = sorted(national)
    base = years[-1]
    surv = _calibrated_survival(national, years, life_expectancy, settings)[0]
    population = float(national[base].sum())
    if len(years) >= 2:
        residual = residual_migration(national, years, surv)
        return NationalPast(population, float(residual.sum() / population * 1000), years, residual=residual)
    if not earlier:
        raise ValueError("a single reference date needs an earlier total of women (earlier=…)")
    span = base - earlier["year"]
    rate = _women_rate(national[base][1].sum(), earlier["women"], span, national[base], surv)
    return NationalPast(population, rate * 1000, [earlier["year"], base], women_rate=rate)


def _migration_from_history(
    history: dict[int, np.ndarray], past: NationalPast, years: list[int], surv: np.ndarray, settings: dict, national_rate: float
) -> _Migration:
    """Two or more age-structured dates: the Kreis's own residual migration by age and sex, its
    national part (Germany's residual, ``past``, at the Kreis's size) rescaled to the assumed
    national level, its own part kept with ``gewicht_eigen``."""
    if past.residual is None:
        raise ValueError("Germany's past needs two or more reference dates for a Kreis with history")
    total = history[years[-1]].sum()
    own = residual_migration(history, years, surv)
    national_part = past.residual * (total / past.population)
    deviation = own - national_part
    scaled = national_part * (national_rate / past.rate) if past.rate else national_part * 0
    migration = scaled + settings.get("gewicht_eigen", 0.75) * deviation
    own_rate = own.sum() / total * 1000
    # what varies with the national level (variants): the assumed level, by the standard profile
    varying = np.array([migration_profile(), migration_profile()]) / 2 * national_rate / 1000 * total
    return _Migration(migration, varying, past.rate, own_rate, "eigene Wanderungen nach Alter und Geschlecht")


def _migration_from_women(
    pop: np.ndarray, base: int, earlier: dict | None, past: NationalPast, surv: np.ndarray, settings: dict, national_rate: float
) -> _Migration:
    """One age-structured date: the Kreis's net migration rate of the women since an earlier total,
    relative to Germany's (``past``), kept with ``gewicht_nur_summen`` on top of the assumed
    national level and spread over ages by the standard profile."""
    if not earlier:
        raise ValueError("a single reference date needs an earlier total of women (earlier=…)")
    if past.women_rate is None:
        raise ValueError("Germany's past needs the women's rate for a Kreis with one reference date")
    total = pop.sum()
    own_w = _women_rate(pop[1].sum(), earlier["women"], base - earlier["year"], pop, surv)
    rate = national_rate / 1000 + settings.get("gewicht_nur_summen", 0.5) * (own_w - past.women_rate)
    profile = migration_profile()
    national_part = np.array([profile, profile]) / 2 * national_rate / 1000 * total
    migration = np.array([profile, profile]) / 2 * rate * total
    return _Migration(
        migration, national_part, past.rate, own_w * 1000, "Wanderungssaldo der Frauen seit " + str(earlier["year"])
    )


def calibrate(
    history: dict[int, np.ndarray],
    national: NationalPast,
    life_expectancy: tuple[float, float],
    settings: dict,
    national_rate: float,
    earlier: dict | None = None,
) -> Calibration:
    """Calibrate the Kreis model on its own past up to the base year (the last year of ``history``).

    ``history``: year → 2 × 101 single-year population of the Kreis at 31.12.; ``national``:
    Germany's past migration (``national_past``, once for every Kreis); ``national_rate``: assumed
    future national net migration per 1,000 and year; ``earlier``: ``{"year": y, "women": W}``
    (an earlier total of the Kreis's women, e.g. from GV-ISys) used when the history has a single
    date."""
    years = sorted(history)
    base = years[-1]
    surv, slopes, infant, factors = _calibrated_survival(history, years, life_expectancy, settings)
    tfr = _fertility_from_children(history[base])
    if len(years) >= 2:
        migration = _migration_from_history(history, national, years, surv, settings, national_rate)
    else:
        migration = _migration_from_women(history[base], base, earlier, national, surv, settings, national_rate)
    return Calibration(
        base,
        life_expectancy,
        tfr,
        migration.by_age,
        migration.national_part,
        national_rate,
        migration.past_national_rate,
        migration.own_rate,
        years,
        migration.method,
        slopes,
        infant,
        factors,
    )


def project(base: np.ndarray, calibration: Calibration, target_year: int, national_rate: float | None = None) -> np.ndarray:
    """Project the base population (2 × 101) to the target year. Returns years × 2 × 101, first the base year."""
    surv = calibration.survival()
    asfr = fertility(calibration.tfr)
    migration = calibration.migration_at(national_rate if national_rate is not None else calibration.national_rate)
    out = [base.astype(float)]
    for _ in range(calibration.base_year, target_year):
        nxt, _ = step(out[-1], surv, asfr, migration)
        out.append(nxt)
    return np.array(out)


def groups_of(result: np.ndarray, first_year: int) -> pd.DataFrame:
    """Projection summed to the planning groups and derived groups (rows: year × group)."""
    rows = []
    for i, yearly in enumerate(result):
        both = yearly.sum(axis=0)
        values = {name: float(both[lo:hi].sum()) for name, (lo, hi) in PLANNING_GROUPS.items()}
        for name, parts in DERIVED_GROUPS.items():
            values[name] = sum(values[p] for p in parts)
        rows += [{"year": first_year + i, "group": g, "value": v} for g, v in values.items()]
    return pd.DataFrame(rows)


def kreis_projection_integers(kreis_groups: pd.DataFrame) -> pd.DataFrame:
    """Kreis projection rounded so that the planning groups add up to the total in every year and
    variant (the derived "65 Jahre und älter" is the sum of its rounded parts)."""
    out = []
    for (variant, y), d in kreis_groups.groupby(["variant", "year"], sort=True):
        k = d.set_index("group")["value"]
        parts = largest_remainder(int(round(k["insgesamt"])), k[list(PLANNING_GROUPS)].to_numpy())
        values = dict(zip(PLANNING_GROUPS, parts))
        values["65 Jahre und älter"] = sum(values[g] for g in DERIVED_GROUPS["65 Jahre und älter"])
        values["insgesamt"] = int(parts.sum())
        out += [{"variant": variant, "year": int(y), "group": g, "value": int(v)} for g, v in values.items()]
    return pd.DataFrame(out)
