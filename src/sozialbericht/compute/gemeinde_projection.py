"""The Kreis projection distributed to its Gemeinden (their own trend, constrained to the Kreis).

Each Gemeinde's share of the Kreis follows its own log-linear trend in the GV-ISys directories up
to the base year, shrunk for small Gemeinden (weight P / (P + ``gemeinde_schrumpfung``)), times
``gemeinde_gewicht`` and fading by ``gemeinde_abklingen`` per year; shares are renormalised so that
the Gemeinden add up to the Kreis in every year. The shares of the past are taken of the Gemeinden
inhabited in every directory, so that an uninhabited area (gemeindefreies Gebiet) or a Gemeinde
without earlier directories does not take the trend from all the others (it did, for 63 of the 294
Kreise with three or more Gemeinden). With a single directory up to the base year, or without any
Gemeinde in two of them, every Gemeinde keeps its share. ``gemeinde_model`` says what it did
(``GemeindeModel``: trend or constant shares, why, the spread of the changes), and the report's
sentence is chosen from that. Where the district's register gives age groups per Gemeinde, the
Gemeinde × age-group table is raked so that it adds up both ways (``distribute``). Integers are
rounded with controlled rounding so that every printed table adds up (``rounding``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialbericht.compute.projection import DERIVED_GROUPS, PLANNING_GROUPS
from sozialbericht.compute.rounding import controlled_round, largest_remainder, rake
from sozialbericht.core.ages import age_groups

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


@dataclass
class _ShareHistory:
    """The Gemeinden's populations up to the base year and what their trends may rest on."""

    wide: pd.DataFrame  # area × year, the years with any value
    base_col: int  # the newest year
    pop: np.ndarray  # population in the newest year (≥ 0)
    positive: np.ndarray  # area × year: inhabited
    core: np.ndarray  # inhabited in every year: the like-for-like total of each year
    with_trend: np.ndarray  # Gemeinden whose share follows their own trend


def _share_history(history: pd.DataFrame, base_year: int) -> _ShareHistory:
    """The history (area_id, year, value) wide, up to ``base_year``; a Gemeinde has a trend when it
    is inhabited in at least two years and in the newest, and some Gemeinde in every year."""
    h = history[history["year"] <= base_year].groupby(["area_id", "year"])["value"].sum(min_count=1).unstack()
    h = h.dropna(axis=1, how="all")
    base_col = max(h.columns)
    pop = h[base_col].fillna(0).clip(lower=0).to_numpy(float)
    positive = (h > 0).to_numpy()
    core = positive.all(axis=1)
    own_years = positive.sum(axis=1)
    with_trend = (own_years >= 2) & (pop > 0) & core.any()
    return _ShareHistory(h, base_col, pop, positive, core, with_trend)


def _trend_slopes(h: _ShareHistory) -> np.ndarray:
    """Log-linear slope per year of each Gemeinde's share of the like-for-like total, over the
    years in which it is inhabited (0 for the Gemeinden without a trend)."""
    slope = np.zeros(len(h.wide))
    if not h.with_trend.any():
        return slope
    t = np.array(h.wide.columns, dtype=float)
    total = h.wide.to_numpy(float)[h.core].sum(axis=0)
    ls = np.log(np.where(h.positive, h.wide.to_numpy(float), 1.0) / total)
    m = h.positive & h.with_trend[:, None]
    n = np.maximum(m.sum(axis=1), 1)
    t_mean = (m * t).sum(axis=1) / n
    ls_mean = (m * ls).sum(axis=1) / n
    dt = np.where(m, t - t_mean[:, None], 0.0)
    denom = (dt**2).sum(axis=1)
    return np.divide((dt * (ls - ls_mean[:, None])).sum(axis=1), denom, out=np.zeros(len(h.wide)), where=denom > 0)


def _shares_by_year(h: _ShareHistory, rate: np.ndarray, years: list[int], fade: float) -> list[np.ndarray]:
    """The shares in each of ``years``: the base year's shares moved by ``rate`` per year, fading by
    ``fade`` per year after the base year, renormalised."""
    pop = h.pop
    base_share = pop / pop.sum() if pop.sum() > 0 else np.full(len(pop), 1 / len(pop))
    out = []
    for y in years:
        horizon = sum(fade**k for k in range(1, y - h.base_col + 1)) if y > h.base_col else 0.0
        s = base_share * np.exp(rate * horizon)
        out.append(s / s.sum())
    return out


def _spread(h: _ShareHistory, by_year: list[np.ndarray]) -> float:
    """Largest minus smallest change of an inhabited Gemeinde's share from the first to the last
    year, in percentage points."""
    inhabited = h.pop > 0
    change = by_year[-1] / np.where(inhabited, by_year[0], 1.0) - 1
    return float((change[inhabited].max() - change[inhabited].min()) * 100) if inhabited.any() else 0.0


def _constant_reason(h: _ShareHistory, base_year: int, weight: float) -> str:
    """Why every Gemeinde keeps its share (a clause for the report), or "" when they follow a trend."""
    if len(h.wide.columns) < 2:
        return (
            f"weil für die Gemeinden bis {base_year} nur die Einwohnerzahlen eines Jahres ({h.base_col}) vorliegen – "
            "daraus lässt sich keine eigene Entwicklung ablesen"
        )
    if not h.with_trend.any():
        return (
            "weil keine Gemeinde in mehr als einem Jahr auf ihrem heutigen Gebiet vorliegt "
            "(Gebietsänderungen) – daraus lässt sich keine eigene Entwicklung ablesen"
        )
    if weight == 0:
        return "weil die Fortschreibung eigener Trends der Gemeinden für diesen Bericht abgeschaltet ist"
    return ""


def _nearly_equal_reason(undamped: float, years: list[int], trend_years: list[int]) -> str:
    """Why a trend changes every Gemeinde practically alike: their shares hardly moved, or the
    damping of small Gemeinden (``undamped``: the spread without it)."""
    if undamped < NEARLY_EQUAL:
        return f"weil sich die Anteile der Gemeinden am Kreis {trend_years[0]}–{trend_years[-1]} nur wenig verschoben haben"
    from sozialbericht.core.formatting import number

    return (
        "weil die Trends kleiner Gemeinden gedämpft fortgeschrieben werden (in einer kleinen Gemeinde "
        "verändern schon wenige Zu- oder Fortzüge den Anteil deutlich); ohne diese Dämpfung lägen die "
        f"Veränderungen bis {years[-1]} um bis zu {number(undamped, 1)} Prozentpunkte auseinander"
    )


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
    h = _share_history(history, base_year)
    slope = _trend_slopes(h)
    pop = h.pop
    by_year = _shares_by_year(h, slope * weight * pop / (pop + shrink), years, fade)
    shares = pd.DataFrame(
        {
            "area_id": np.tile(h.wide.index.to_numpy(), len(years)),
            "year": np.repeat(np.asarray(years), len(h.wide)),
            "share": np.concatenate(by_year) if by_year else np.zeros(0),
        }
    )
    spread = _spread(h, by_year)
    trend_years = (
        [int(c) for c, used in zip(h.wide.columns, h.positive[h.with_trend].any(axis=0)) if used] if h.with_trend.any() else []
    )
    reason = _constant_reason(h, base_year, weight)
    method = CONSTANT if reason else TREND
    if method == TREND and spread < NEARLY_EQUAL:
        undamped = _spread(h, _shares_by_year(h, slope * weight, years, fade))  # without the damping of small Gemeinden
        reason = _nearly_equal_reason(undamped, years, trend_years)
    description = GemeindeModel(
        method=method,
        reason=reason,
        years=trend_years if method == TREND else [int(h.base_col)],
        base_year=int(h.base_col),
        first_year=int(years[0]),
        last_year=int(years[-1]),
        spread=spread if method == TREND else 0.0,
        nearly_equal=spread < NEARLY_EQUAL,
        without_history=[a for a, ok, p in zip(h.wide.index, h.with_trend, pop) if p > 0 and not ok] if method == TREND else [],
        uninhabited=[a for a, p in zip(h.wide.index, pop) if p <= 0],
    )
    return shares, description


def gemeinde_shares(history: pd.DataFrame, base_year: int, years: list[int], settings: dict) -> pd.DataFrame:
    """Shares of the Kreis per Gemeinde and year (``gemeinde_model`` without the description)."""
    return gemeinde_model(history, base_year, years, settings)[0]


def _register_groups(register: pd.DataFrame | None, year: int) -> pd.DataFrame | None:
    """The district register's population per Gemeinde and planning group at the base date
    (Gemeinde × group), or None without a register."""
    if register is None or not len(register):
        return None
    reg = age_groups(register[register["period"] == f"{year}-12-31"])
    cols = {}
    for g, (lo, hi) in PLANNING_GROUPS.items():
        upper = reg["age_to"].fillna(101)
        cols[g] = reg[(reg["age_from"] >= lo) & (upper <= hi)].groupby("area_id")["value"].sum()
    return pd.DataFrame(cols).reindex(columns=list(PLANNING_GROUPS)).fillna(0)


def distribute(
    kreis_groups: pd.DataFrame, history: pd.DataFrame, register: pd.DataFrame | None, year: int, settings: dict
) -> tuple[pd.DataFrame, GemeindeModel]:
    """The Kreis projection distributed to the Gemeinden by their own trend (``gemeinde_model``):
    rows area_id, year, group, value — integers that add up to the Kreis (and, with register
    ages, to the Gemeinde totals) in every year; and what the distribution did (trend or
    constant shares, why, the spread of the Gemeinden's changes)."""
    groups = list(PLANNING_GROUPS)
    years = sorted(kreis_groups["year"].unique())
    shares, model = gemeinde_model(history, year, years, settings)
    out = []
    base_ages = _register_groups(register, year)
    for y in years:
        k = kreis_groups[kreis_groups["year"] == y].set_index("group")["value"]
        col_totals = largest_remainder(int(round(k["insgesamt"])), k[groups].to_numpy())
        s = shares[shares["year"] == y].set_index("area_id")["share"]
        row_totals = largest_remainder(int(col_totals.sum()), s.to_numpy())
        if base_ages is not None and set(s.index) <= set(base_ages.index):
            seed = base_ages.reindex(s.index).to_numpy() + 1e-6
            cells = controlled_round(rake(seed, row_totals.astype(float), col_totals.astype(float)), row_totals, col_totals)
            for a, row in zip(s.index, cells):
                out += [{"area_id": a, "year": y, "group": g, "value": int(v)} for g, v in zip(groups, row)]
        for a, total in zip(s.index, row_totals):
            out.append({"area_id": a, "year": y, "group": "insgesamt", "value": int(total)})
    table = pd.DataFrame(out)
    if base_ages is not None and len(table):
        derived = (
            table[table["group"].isin(DERIVED_GROUPS["65 Jahre und älter"])]
            .groupby(["area_id", "year"], as_index=False)["value"]
            .sum()
        )
        table = pd.concat([table, derived.assign(group="65 Jahre und älter")], ignore_index=True)
    return table, model
