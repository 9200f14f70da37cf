"""Population projection of a Kreis (cohort-component, calibrated on the Kreis's own past) and its
distribution to the Gemeinden (their own trend, constrained to the Kreis).

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
- **Variants**: the national migration level low / middle / high (``wanderung_varianten``).

Gemeinden: each Gemeinde's share of the Kreis follows its own log-linear trend in the GV-ISys
directories up to the base year, shrunk for small Gemeinden (weight P / (P + ``gemeinde_schrumpfung``)),
times ``gemeinde_gewicht`` and fading by ``gemeinde_abklingen`` per year; shares are renormalised so
that the Gemeinden add up to the Kreis in every year. The shares of the past are taken of the
Gemeinden inhabited in every directory, so that an uninhabited area (gemeindefreies Gebiet) or a
Gemeinde without earlier directories does not take the trend from all the others (it did, for 63
of the 294 Kreise with three or more Gemeinden). With a single directory up to the base year, or
without any Gemeinde in two of them, every Gemeinde keeps its share. ``gemeinde_model`` says what
it did (``GemeindeModel``: trend or constant shares, why, the spread of the changes), and the
report's sentence is chosen from that. Where the district's register gives age groups per
Gemeinde, the Gemeinde × age-group table is raked so that it adds up both ways. Integers are
rounded with controlled rounding so that every printed table adds up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

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
    past_national_rate: float  # national net migration per 1,000 in the calibration years
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


def calibrate(
    history: dict[int, np.ndarray],
    national: dict[int, np.ndarray],
    life_expectancy: tuple[float, float],
    settings: dict,
    national_rate: float,
    earlier: dict | None = None,
) -> Calibration:
    """Calibrate the Kreis model on its own past up to the base year (the last year of ``history``).

    ``history``/``national``: year → 2 × 101 single-year population (Kreis, Germany) at 31.12.;
    ``national_rate``: assumed future national net migration per 1,000 and year; ``earlier``:
    ``{"year": y, "women": W_kreis, "women_national": W_de}`` (an earlier total of women, e.g. from
    GV-ISys) used when the history has a single date."""
    years = sorted(history)
    base = years[-1]
    slopes, infant = mortality_shape(settings)
    surv = land_survival(life_expectancy, slopes, infant)
    factors = (1.0, 1.0)
    if len(years) >= 2:
        factors = tuple(_mortality_factor(history, years, surv[k], k) for k in range(2))
        surv = surv ** np.array(factors)[:, None]
    pop = history[base]
    tfr = _fertility_from_children(pop)
    total = pop.sum()
    nat_total = national[base].sum()
    if len(years) >= 2:

        def residual(series):
            # births at the fertility of the base date, as in the projection: the residual at age 0
            # is then the children's migration, not a lag of the child–woman ratio
            asfr = fertility(_fertility_from_children(series[base]))
            out = []
            for y0, y1 in zip(years, years[1:]):
                expected = series[y0]
                for _ in range(y1 - y0):
                    expected, _ = step(expected, surv, asfr)
                out.append((series[y1] - expected) / (y1 - y0))
            return np.mean(out, axis=0)

        own, nat = residual(history), residual(national)
        past_nat = nat.sum() / nat_total * 1000
        national_part = nat * (total / nat_total)
        deviation = own - national_part
        scaled = national_part * (national_rate / past_nat) if past_nat else national_part * 0
        migration = scaled + settings.get("gewicht_eigen", 0.75) * deviation
        own_rate = own.sum() / total * 1000
        method = "eigene Wanderungen nach Alter und Geschlecht"
    else:
        if not earlier:
            raise ValueError("a single reference date needs an earlier total of women (earlier=…)")
        span = base - earlier["year"]

        def women_rate(women_now, women_then, pop_now):
            asfr = fertility(_fertility_from_children(pop_now))
            natural = (asfr * pop_now[1]).sum() / (1 + SEX_RATIO_BIRTH) - (pop_now[1] * (1 - surv[1])).sum()
            return ((women_now - women_then) / span - natural) / women_now

        own_w = women_rate(pop[1].sum(), earlier["women"], pop)
        nat_w = women_rate(national[base][1].sum(), earlier["women_national"], national[base])
        rate = national_rate / 1000 + settings.get("gewicht_nur_summen", 0.5) * (own_w - nat_w)
        profile = migration_profile()
        national_part = np.array([profile, profile]) / 2 * national_rate / 1000 * total
        migration = np.array([profile, profile]) / 2 * rate * total
        past_nat = nat_w * 1000
        own_rate = own_w * 1000
        method = "Wanderungssaldo der Frauen seit " + str(earlier["year"])
    return Calibration(
        base,
        life_expectancy,
        tfr,
        migration,
        national_part,
        national_rate,
        past_nat,
        own_rate,
        years,
        method,
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


# --- integers that add up ---------------------------------------------------------------------------
def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up exactly to ``total``."""
    weights = np.clip(np.asarray(weights, dtype=float), 0, None)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = weights / weights.sum() * total
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def controlled_round(matrix: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray) -> np.ndarray:
    """Round a non-negative matrix to integers (each cell its floor or floor + 1) whose rows and
    columns add up exactly to the given integer totals: the cells with the largest fractional
    parts get the extra units first, the rest is settled by augmenting paths (a small max-flow)."""
    m = np.asarray(matrix, dtype=float)
    base = np.floor(m).astype(int)
    frac = m - base
    need_r = np.asarray(row_totals, dtype=int) - base.sum(axis=1)
    need_c = np.asarray(col_totals, dtype=int) - base.sum(axis=0)
    if need_r.sum() != need_c.sum() or (need_r < 0).any() or (need_c < 0).any():
        raise ValueError("row and column totals do not fit the matrix")
    extra = np.zeros_like(base)
    n_rows, n_cols = m.shape
    for i, j in sorted(((i, j) for i in range(n_rows) for j in range(n_cols)), key=lambda ij: (-frac[ij], ij)):
        if need_r[i] > 0 and need_c[j] > 0:
            extra[i, j] = 1
            need_r[i] -= 1
            need_c[j] -= 1
    while need_r.sum() > 0:
        # breadth-first search: row (needs a unit) → free cell → column → taken cell → row …
        start = int(np.flatnonzero(need_r > 0)[0])
        parent: dict = {("r", start): None}
        queue, end = [("r", start)], None
        while queue and end is None:
            kind, idx = queue.pop(0)
            if kind == "r":
                for j in range(n_cols):
                    if extra[idx, j] == 0 and ("c", j) not in parent:
                        parent[("c", j)] = ("r", idx)
                        if need_c[j] > 0:
                            end = ("c", j)
                            break
                        queue.append(("c", j))
            else:
                for i in range(n_rows):
                    if extra[i, idx] == 1 and ("r", i) not in parent:
                        parent[("r", i)] = ("c", idx)
                        queue.append(("r", i))
        if end is None:
            raise ValueError("no controlled rounding exists for these totals")
        node = end
        while parent[node] is not None:
            prev = parent[node]
            if node[0] == "c":  # row prev → column node: take the cell
                extra[prev[1], node[1]] = 1
            else:  # column prev → row node: give the cell back
                extra[node[1], prev[1]] = 0
            node = prev
        need_r[start] -= 1
        need_c[end[1]] -= 1
    return base + extra


def rake(matrix: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Iterative proportional fitting: scale rows and columns until both margins fit."""
    m = np.asarray(matrix, dtype=float).copy()
    for _ in range(iterations):
        r = m.sum(axis=1)
        m *= np.divide(row_totals, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = m.sum(axis=0)
        m *= np.divide(col_totals, c, out=np.zeros_like(c), where=c > 0)[None, :]
        if np.allclose(m.sum(axis=1), row_totals, rtol=1e-9, atol=1e-6):
            break
    return m


# --- Gemeinden -------------------------------------------------------------------------------------
#: Below this spread (percentage points between the Gemeinde with the largest and the smallest
#: projected change relative to the Kreis, to the last projected year) every Gemeinde changes
#: practically like the Kreis, and the report says so instead of "their own trend".
NEARLY_EQUAL = 1.0
TREND = "trend"
CONSTANT = "konstante Anteile"


@dataclass
class GemeindeModel:
    """What the distribution of the Kreis projection to its Gemeinden did, for the report's sentence.

    ``method``: ``TREND`` (each Gemeinde's share follows its own damped trend) or ``CONSTANT``
    (every Gemeinde keeps its share of the base year, so it changes like the Kreis); ``reason``: why
    constant shares, or why the trend changes every Gemeinde practically alike (German, a clause for
    the report: "weil …"), empty with a trend that sets the Gemeinden apart; ``years``:
    the directories the trend rests on (with constant shares: the one whose shares are kept);
    ``base_year``: the newest directory; ``spread``: largest minus smallest change of an inhabited
    Gemeinde's share from ``first_year`` to ``last_year`` (the first and last projected year), in
    percentage points (0 with constant shares);
    ``nearly_equal``: ``spread`` below ``NEARLY_EQUAL``; ``without_history``: inhabited Gemeinden
    with a single year on their current territory (they keep their share); ``uninhabited``: areas
    without inhabitants in the base year (share 0, e.g. gemeindefreie Gebiete)."""

    method: str
    reason: str
    years: list[int]
    base_year: int
    first_year: int
    last_year: int
    spread: float
    nearly_equal: bool
    without_history: list[str] = field(default_factory=list)
    uninhabited: list[str] = field(default_factory=list)

    def as_context(self) -> dict:
        """The description with the German keys of the report's context."""
        return {
            "methode": self.method,
            "grund": self.reason,
            "jahre": [int(y) for y in self.years],
            "basisjahr": int(self.base_year),
            "von": int(self.first_year),
            "bis": int(self.last_year),
            "spanne": round(float(self.spread), 2),
            "fast_gleich": bool(self.nearly_equal),
            "ohne_verlauf": list(self.without_history),
            "unbewohnt": list(self.uninhabited),
        }


def gemeinde_model(history: pd.DataFrame, base_year: int, years: list[int], settings: dict) -> tuple[pd.DataFrame, GemeindeModel]:
    """Shares of the Kreis per Gemeinde and year, and what was done (``GemeindeModel``).

    ``history``: columns area_id, year, value (the Gemeinden's populations on the current
    territory, years up to the base year). Each Gemeinde's share follows the log-linear trend of
    its share over the years in which it has inhabitants, weighted by P / (P + shrink), multiplied
    by ``gemeinde_gewicht`` and fading by ``gemeinde_abklingen`` per year. The shares of the
    history are taken of the Gemeinden inhabited in every year (a like-for-like total): an area
    without inhabitants (a gemeindefreies Gebiet) or a Gemeinde missing in an earlier directory
    leaves every other Gemeinde its trend. A Gemeinde with a single year keeps its share; without
    any Gemeinde with two years (or with ``gemeinde_gewicht`` 0) all shares stay constant."""
    shrink = settings.get("gemeinde_schrumpfung", 3000)
    weight = settings.get("gemeinde_gewicht", 0.5)
    fade = settings.get("gemeinde_abklingen", 0.9)
    h = history[history["year"] <= base_year].groupby(["area_id", "year"])["value"].sum(min_count=1).unstack()
    h = h.dropna(axis=1, how="all")
    base_col = max(h.columns)
    pop = h[base_col].fillna(0).clip(lower=0).to_numpy(float)
    base_share = pop / pop.sum() if pop.sum() > 0 else np.full(len(pop), 1 / len(pop))
    positive = (h > 0).to_numpy()
    core = positive.all(axis=1)  # inhabited in every year: the like-for-like total of each year
    own_years = positive.sum(axis=1)
    with_trend = (own_years >= 2) & (pop > 0) & core.any()
    slope = np.zeros(len(h))
    if with_trend.any():
        t = np.array(h.columns, dtype=float)
        total = h.to_numpy(float)[core].sum(axis=0)
        ls = np.log(np.where(positive, h.to_numpy(float), 1.0) / total)
        m = positive & with_trend[:, None]
        n = np.maximum(m.sum(axis=1), 1)
        t_mean = (m * t).sum(axis=1) / n
        ls_mean = (m * ls).sum(axis=1) / n
        dt = np.where(m, t - t_mean[:, None], 0.0)
        denom = (dt**2).sum(axis=1)
        slope = np.divide((dt * (ls - ls_mean[:, None])).sum(axis=1), denom, out=np.zeros(len(h)), where=denom > 0)
    inhabited = pop > 0

    def shares_by_year(rate: np.ndarray) -> list[np.ndarray]:
        out = []
        for y in years:
            horizon = sum(fade**k for k in range(1, y - base_col + 1)) if y > base_col else 0.0
            s = base_share * np.exp(rate * horizon)
            out.append(s / s.sum())
        return out

    def spread_of(by_year: list[np.ndarray]) -> float:
        change = by_year[-1] / np.where(inhabited, by_year[0], 1.0) - 1
        return float((change[inhabited].max() - change[inhabited].min()) * 100) if inhabited.any() else 0.0

    by_year = shares_by_year(slope * weight * pop / (pop + shrink))
    shares = pd.DataFrame(
        {
            "area_id": np.tile(h.index.to_numpy(), len(years)),
            "year": np.repeat(np.asarray(years), len(h)),
            "share": np.concatenate(by_year) if by_year else np.zeros(0),
        }
    )
    spread = spread_of(by_year)
    trend_years = [int(c) for c, used in zip(h.columns, positive[with_trend].any(axis=0)) if used] if with_trend.any() else []
    reason = ""
    if len(h.columns) < 2:
        reason = (
            f"weil für die Gemeinden bis {base_year} nur die Einwohnerzahlen eines Jahres ({base_col}) vorliegen – "
            "daraus lässt sich keine eigene Entwicklung ablesen"
        )
    elif not with_trend.any():
        reason = (
            "weil keine Gemeinde in mehr als einem Jahr auf ihrem heutigen Gebiet vorliegt "
            "(Gebietsänderungen) – daraus lässt sich keine eigene Entwicklung ablesen"
        )
    elif weight == 0:
        reason = "weil die Fortschreibung eigener Trends der Gemeinden für diesen Bericht abgeschaltet ist"
    method = CONSTANT if reason else TREND
    if method == TREND and spread < NEARLY_EQUAL:
        undamped = spread_of(shares_by_year(slope * weight))  # without the damping of small Gemeinden
        if undamped < NEARLY_EQUAL:
            reason = f"weil sich die Anteile der Gemeinden am Kreis {trend_years[0]}–{trend_years[-1]} nur wenig verschoben haben"
        else:
            from sozialbericht.core.formatting import number

            reason = (
                "weil die Trends kleiner Gemeinden gedämpft fortgeschrieben werden (in einer kleinen Gemeinde "
                "verändern schon wenige Zu- oder Fortzüge den Anteil deutlich); ohne diese Dämpfung lägen die "
                f"Veränderungen bis {years[-1]} um bis zu {number(undamped, 1)} Prozentpunkte auseinander"
            )
    description = GemeindeModel(
        method=method,
        reason=reason,
        years=trend_years if method == TREND else [int(base_col)],
        base_year=int(base_col),
        first_year=int(years[0]),
        last_year=int(years[-1]),
        spread=spread if method == TREND else 0.0,
        nearly_equal=spread < NEARLY_EQUAL,
        without_history=[a for a, ok, p in zip(h.index, with_trend, pop) if p > 0 and not ok] if method == TREND else [],
        uninhabited=[a for a, p in zip(h.index, pop) if p <= 0],
    )
    return shares, description


def gemeinde_shares(history: pd.DataFrame, base_year: int, years: list[int], settings: dict) -> pd.DataFrame:
    """Shares of the Kreis per Gemeinde and year (``gemeinde_model`` without the description)."""
    return gemeinde_model(history, base_year, years, settings)[0]
