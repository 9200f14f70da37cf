"""Social index, projection and disclosure control on cases computed by hand."""

import numpy as np
import pandas as pd
import pytest

from sozialbericht.compute import gemeinde_projection, rounding
from sozialbericht.compute import projection as proj
from sozialbericht.compute.disclosure import suppress
from sozialbericht.compute.social_index import classify, social_index, zscores


def test_zscores_by_hand():
    # mean 4, population sd sqrt(((2-4)^2 + (4-4)^2 + (6-4)^2) / 3) = sqrt(8/3)
    z = zscores(pd.Series([2.0, 4.0, 6.0]))
    assert z.tolist() == pytest.approx([-2 / np.sqrt(8 / 3), 0.0, 2 / np.sqrt(8 / 3)])


@pytest.mark.parametrize(
    "value,label",
    [
        (-1.5, "hoch"),
        (-1.0, "hoch"),
        (0.0, "mittel"),
        (1.0, "mittel"),
        (1.2, "niedrig"),
        (1.5, "niedrig"),
        (1.51, "sehr niedrig"),
    ],
)
def test_status_class_bounds(value, label):
    assert classify(value, [-1.0, 1.0, 1.5], ["hoch", "mittel", "niedrig", "sehr niedrig"]) == label


def test_social_index_hand_computed():
    """Four areas, two status indicators; area D is too small and is left out.

    Indicator a = [1, 2, 3], b = [3, 2, 1]·2 for A, B, C: z(a) = [-1.2247, 0, 1.2247], z(b) = [1.2247, 0, -1.2247]
    (sd of [1,2,3] is sqrt(2/3)); the status sums are all 0, so every status index is 0 ("mittel").
    Dynamics d = [0, 0, 3]: z = [-0.7071, -0.7071, 1.4142] → standardised again the same → C "negativ".
    """
    status = pd.DataFrame({"a": [1.0, 2.0, 3.0, 9.0], "b": [6.0, 4.0, 2.0, 9.0]}, index=["A", "B", "C", "D"])
    dynamics = pd.DataFrame({"a": [0.0, 0.0, 3.0, 0.0], "b": [0.0, 0.0, 0.0, 0.0]}, index=["A", "B", "C", "D"])
    population = pd.Series({"A": 1000, "B": 500, "C": 400, "D": 120})
    out, excluded = social_index(status, dynamics, population, 300, [-1.0, 1.0, 1.5], [-1.0, 1.0])
    assert excluded == ["D"]
    assert out["z_a"].tolist() == pytest.approx([-1.224745, 0.0, 1.224745], abs=1e-6)
    assert out["status_index"].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert out["dynamik_index"].tolist() == pytest.approx([-0.707107, -0.707107, 1.414214], abs=1e-6)
    assert out["status"].tolist() == ["mittel"] * 3
    assert out["dynamik"].tolist() == ["stabil", "stabil", "negativ"]
    assert out["gruppe"].tolist() == [5, 5, 6]


def test_projection_step_by_hand():
    """100 men and 100 women aged 30; survival 0.9 at every age; fertility 0.5 at age 30 only;
    net migration 5 per sex at age 20. After one year: 90 + 90 aged 31; births 0.5 × 100 = 50,
    of which 50 × 1.05/2.05 boys, surviving half a year: × 0.9^0.5."""
    pop = np.zeros((2, 101))
    pop[:, 30] = 100
    surv = np.full((2, 101), 0.9)
    asfr = np.zeros(101)
    asfr[30] = 0.5
    migration = np.zeros((2, 101))
    migration[:, 20] = 5
    new, births = proj.step(pop, surv, asfr, migration)
    assert births == pytest.approx(50)
    assert new[0, 31] == pytest.approx(90) and new[1, 31] == pytest.approx(90)
    assert new[0, 0] == pytest.approx(50 * 1.05 / 2.05 * 0.9**0.5)
    assert new[1, 0] == pytest.approx(50 / 2.05 * 0.9**0.5)
    assert new[0, 20] == pytest.approx(5) and new[1, 20] == pytest.approx(5)


def test_calibration_reproduces_a_stationary_population():
    """A population that is exactly what the model predicts from its own past has no residual
    migration beyond the national pattern and the survival factor 1."""
    surv = np.array([proj.survival(78.0), proj.survival(83.0)])
    start = np.full((2, 101), 1000.0)
    history = {2017: start}
    asfr = proj.fertility(1.5)
    p = start
    for year in (2018, 2019, 2020):
        p, _ = proj.step(p, surv, asfr)
        history[year] = p
    national = proj.national_past({y: history[y] * 100 for y in (2017, 2020)}, (78.0, 83.0), {})
    cal = proj.calibrate(
        {y: history[y] for y in (2017, 2020)},
        national,
        (78.0, 83.0),
        {"gewicht_eigen": 0.5},
        national_rate=0.0,
    )
    assert cal.mortality_factors == pytest.approx((1.0, 1.0), abs=0.02)
    assert np.abs(cal.migration).sum() < 0.01 * history[2020].sum()


def test_projection_groups_add_up_to_the_total():
    cal = proj.Calibration(2020, (78.0, 83.0), 1.5, np.zeros((2, 101)), np.zeros((2, 101)), 0.0, 0.0, 0.0)
    result = proj.project(np.full((2, 101), 500.0), cal, 2030)
    groups = proj.groups_of(result, 2020)
    for _year, g in groups.groupby("year"):
        values = g.set_index("group").value
        assert values[list(proj.PLANNING_GROUPS)].sum() == pytest.approx(values["insgesamt"])
        assert values["65 Jahre und älter"] == pytest.approx(values["65 bis 79 Jahre"] + values["80 Jahre und älter"])
    assert len(result) == 11 and result[0].sum() == pytest.approx(101_000)


def test_largest_remainder_adds_up():
    out = rounding.largest_remainder(10, np.array([1.0, 1.0, 1.0]))
    assert out.sum() == 10 and sorted(out.tolist()) == [3, 3, 4]


def test_controlled_rounding_keeps_row_and_column_totals():
    rng = np.random.default_rng(3)
    m = rng.uniform(0, 50, size=(12, 7))
    rows = rounding.largest_remainder(int(round(m.sum())), m.sum(axis=1))
    cols = rounding.largest_remainder(int(round(m.sum())), m.sum(axis=0))
    out = rounding.controlled_round(rounding.rake(m, rows, cols), rows, cols)
    assert (out.sum(axis=1) == rows).all() and (out.sum(axis=0) == cols).all()
    assert (np.abs(out - rounding.rake(m, rows, cols)) < 1).all()  # every cell its floor or ceiling


def test_gemeinde_shares_add_up_and_follow_the_trend():
    history = pd.DataFrame(
        {
            "area_id": ["a", "b"] * 3,
            "year": [2015, 2015, 2017, 2017, 2019, 2019],
            "value": [50_000, 50_000, 51_000, 49_000, 52_000, 48_000],
        }
    )
    shares = gemeinde_projection.gemeinde_shares(history, 2019, [2019, 2025, 2035], {})
    by_year = shares.pivot(index="year", columns="area_id", values="share")
    assert by_year.sum(axis=1).tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert by_year.loc[2019, "a"] == pytest.approx(0.52)
    assert 0.52 < by_year.loc[2025, "a"] < by_year.loc[2035, "a"] < 0.56  # damped and fading trend


def test_life_expectancy_and_fertility_calibration():
    p = proj.survival(80.0)
    survivors = np.concatenate([[1.0], np.cumprod(p)])
    e0 = survivors[:-1].sum() - 0.5 + 0.5 * survivors[-1]  # person-years, roughly
    assert 78 < e0 < 82
    assert proj.fertility(1.5).sum() == pytest.approx(1.5)
    assert proj.migration_profile().sum() == pytest.approx(1.0)


def test_single_years_keep_the_totals():
    groups = pd.DataFrame({"age_from": [0, 3, 75], "age_to": [3, 75, None], "value": [30.0, 720.0, 250.0]})
    years = proj.single_years(groups)
    assert years.sum() == pytest.approx(1000)
    assert years[:3].tolist() == pytest.approx([10, 10, 10])
    assert years[75] > years[85] > years[95] > 0


def _cells(values, units="Anzahl", numerators=None):
    areas = ["150850000001", "150850000002", "150850000003", "15085"]
    return pd.DataFrame(
        {
            "indicator_id": "x",
            "area_id": areas,
            "area_name": "",
            "area_level": "",
            "period": "2020",
            "value": values,
            "unit": units,
            "flag": "",
            "numerator": numerators or [np.nan] * 4,
        }
    )


def test_primary_and_secondary_suppression():
    out = suppress(_cells([2.0, 7.0, 10.0, 19.0]), "15085")
    assert out["flag"].tolist() == [".", ".", "", ""]  # 2 is primary, 7 the smallest other cell of the sum 19
    assert out["value"].isna().tolist() == [True, True, False, False]


def test_zero_is_published_and_large_counts_untouched():
    out = suppress(_cells([0.0, 7.0, 10.0, 17.0]), "15085")
    assert out["flag"].tolist() == ["", "", "", ""]


def test_rates_on_small_counts_are_suppressed():
    out = suppress(_cells([10.0, 50.0, 60.0, 40.0], units="%", numerators=[1.0, 5.0, 6.0, 12.0]), "15085")
    assert out["flag"].tolist() == [".", ".", "", ""]  # numerator 1 is primary, 5 the secondary of the group


def test_small_areas_get_no_rates():
    pop = pd.Series(
        {
            ("150850000001", "2020"): 120.0,
            ("150850000002", "2020"): 5000.0,
            ("150850000003", "2020"): 6000.0,
            ("15085", "2020"): 11120.0,
        }
    )
    out = suppress(
        _cells([10.0, 50.0, 60.0, 40.0], units="%", numerators=[30.0, 50.0, 60.0, 140.0]),
        "15085",
        population=pop,
        min_population={"x": 300},
    )
    assert out["flag"].tolist() == ["/", "", "", ""]


def test_mortality_pattern_reproduces_the_life_table():
    """The Gompertz slope fitted per sex gives the national life table's life expectancy at birth
    and at 65 (Sterbetafel 2017/2019: 78,6 / 17,9 years for men), the infant mortality, and the
    Land's level keeps that age pattern."""
    settings = {
        "sterbetafel": {
            "lebenserwartung_geburt": {"maennlich": 78.6, "weiblich": 83.4},
            "lebenserwartung_65": {"maennlich": 17.9, "weiblich": 21.1},
            "saeuglingssterblichkeit": 0.0032,
        }
    }
    slopes, infant = proj.mortality_shape(settings)
    assert 0.07 < slopes[0] < slopes[1] < 0.13  # women's mortality rises more steeply with age
    men = proj.survival(78.6, slopes[0], infant)
    assert proj.remaining_life(men, 0) == pytest.approx(78.6, abs=0.01)
    assert proj.remaining_life(men, 65) == pytest.approx(17.9, abs=0.02)
    assert 1 - men[0] == pytest.approx(0.0032, abs=0.0002)
    assert proj.remaining_life(proj.survival(76.4, slopes[0], infant), 0) == pytest.approx(76.4, abs=0.01)
    # the classic pure Gompertz curve at the same life expectancy leaves too little life after 65
    assert proj.remaining_life(proj.survival(78.6, 0.10), 65) < 17.5
