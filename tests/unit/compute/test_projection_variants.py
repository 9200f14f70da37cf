"""The migration variants of the projection vary the national migration level, not the mortality
model's error (compute/projection.py, module docstring "Variants"): a variant adds the difference
of its national level per 1,000 inhabitants, spread by the standard age profile, so a higher
national migration never gives fewer old people, and the range is as wide as the levels say."""

import numpy as np
import pytest
import yaml
from conftest import ROOT

from sozialbericht.compute import projection as proj

YEARS = (2015, 2016, 2017, 2018, 2019, 2020)


def synthetic_history() -> tuple[dict, dict]:
    """A Kreis (1 % of Germany) and Germany whose elderly survive better than the model says at
    65–79 and worse at 80+ (the residual's sign pattern on the real data), with real migration
    of young adults."""
    surv = proj.land_survival((78.0, 83.0), (0.10, 0.10), 0.003)
    asfr = proj.fertility(1.5)
    young = np.where((proj.AGES >= 18) & (proj.AGES < 35), 40.0, 0.0)
    misfit = np.where((proj.AGES >= 65) & (proj.AGES < 80), 30.0, 0.0) - np.where(proj.AGES >= 80, 40.0, 0.0)
    national = {2015: np.full((2, 101), 10000.0)}
    for y in YEARS[1:]:
        nxt, _ = proj.step(national[y - 1], surv, asfr, young + misfit)
        national[y] = nxt
    kreis = {y: p / 100 for y, p in national.items()}
    return kreis, national


def test_a_variant_adds_its_national_level_by_the_standard_profile():
    kreis, national = synthetic_history()
    past = proj.national_past(national, (78.0, 83.0), {})
    cal = proj.calibrate(kreis, past, (78.0, 83.0), {"gewicht_eigen": 0.5}, national_rate=2.7)
    assert np.abs(cal.migration[:, 80:]).sum() > 0  # the residual at old ages stays in the migration …
    total = kreis[2020].sum()
    for rate in (0.0, 1.8, 3.7, 10.0):
        difference = cal.migration_at(rate) - cal.migration
        # … and the variants differ from the middle one by their level, per 1,000, by the profile
        assert difference.sum() == pytest.approx((rate - 2.7) / 1000 * total)
        profile = proj.migration_profile()
        assert difference == pytest.approx(np.array([profile, profile]) / 2 * (rate - 2.7) / 1000 * total)
    low, high = (proj.project(kreis[2020], cal, 2035, r) for r in (1.8, 3.7))
    assert high[-1][:, 80:].sum() == pytest.approx(low[-1][:, 80:].sum(), rel=1e-6)  # 65+ in 2020
    assert high[-1].sum() > low[-1].sum() and high[-1][:, 65:].sum() >= low[-1][:, 65:].sum()


def test_harz_high_migration_gives_more_people_at_every_age_group_than_low():
    """Before, this computation gave 22.311 people of 80 and older in Harz for 2035 in the high
    variant and 22.390 in the low one (the national residual of −315 a year at 80+, scaled with
    the variant), and totals 6,5 % apart (the national part at the past level of 3,9 ‰ moved by
    the ratio of the levels). Now 22.357 in every variant (Germany's past computed once), totals 3,9 % apart."""
    from sozialbericht.compute.national import single_year_table, stadtstaaten
    from sozialbericht.core.ages import age_groups
    from sozialbericht.ingest.staging import stage_table

    spec = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))["bevoelkerung_alter"]
    ages = age_groups(stadtstaaten(stage_table(spec, [ROOT / "data" / "raw" / f for f in spec["files"]])))
    singles = single_year_table(ages[ages["period"].str[:4].astype(int) <= 2020])
    periods = sorted({p for _, p in singles})
    national = {int(p[:4]): sum(v for (a, q), v in singles.items() if q == p and len(a) == 5) for p in periods}
    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["projection"]
    land = yaml.safe_load((ROOT / "config" / "laender.yaml").read_text(encoding="utf-8"))["laender"]["15"]
    rates = settings["wanderung_deutschland_je_1000"]
    history = {int(p[:4]): singles[("15085", p)] for p in periods}
    life = (land["lebenserwartung_maennlich"], land["lebenserwartung_weiblich"])
    past = proj.national_past(national, proj.germany_life_expectancy(settings, {}), settings)
    cal = proj.calibrate(history, past, life, settings, rates["mittel"])
    result = {v: proj.project(history[2020], cal, 2035, r)[-1] for v, r in rates.items()}
    for lo, hi in ((0, 10), (18, 65), (65, 80), (80, 101)):
        low, mid, high = (result[v][:, lo:hi].sum() for v in ("niedrig", "mittel", "hoch"))
        assert high >= mid - 1e-6 and mid >= low - 1e-6, (lo, hi)
    spread = (result["hoch"].sum() - result["niedrig"].sum()) / result["mittel"].sum()
    # 15 years of a difference of 1,9 per 1.000 a year, and the children of the additional migrants
    assert 0.03 < spread < 0.045
