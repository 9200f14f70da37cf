"""95 % intervals and flags (compute/intervals.py) against SciPy computed independently here and
against published reference values."""

import numpy as np
import pytest
import yaml
from conftest import ROOT
from scipy import stats

from sozialbericht.compute import intervals as iv

COUNTS = [(0, 1), (0, 20), (1, 29), (3, 7), (15, 148), (81, 263), (250, 800), (40, 40), (1234, 40000)]


@pytest.mark.parametrize("x,n", COUNTS)
def test_wilson_equals_scipy(x, n):
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    lower, upper = iv.wilson(x, n, scale=1)
    assert lower == pytest.approx(ci.low, abs=1e-12) and upper == pytest.approx(ci.high, abs=1e-12)


def test_wilson_reproduces_newcombe_1998():
    """Newcombe RG (1998): Two-sided confidence intervals for the single proportion: comparison of
    seven methods. Statistics in Medicine 17, 857–872, Table II, method 3 (Wilson score, without
    continuity correction), examples 81/263, 15/148, 0/20, 1/29 (four decimals)."""
    lower, upper = iv.wilson([81, 15, 0, 1], [263, 148, 20, 29], scale=1)
    assert np.round(lower, 4).tolist() == [0.2553, 0.0624, 0.0, 0.0061]
    assert np.round(upper, 4).tolist() == [0.3662, 0.1605, 0.1611, 0.1718]


def test_wilson_scale_and_shape():
    lower, upper = iv.wilson(np.array([[5, 50], [0, 10]]), np.array([[100, 1000], [300, 10]]))
    assert lower.shape == (2, 2)
    assert upper[1, 1] == 100 and lower[1, 0] == 0  # all and none, in percent
    ref_low, ref_high = stats.binomtest(5, 100).proportion_ci(method="wilson")
    assert (lower[0, 0], upper[0, 0]) == pytest.approx((ref_low * 100, ref_high * 100))


@pytest.mark.parametrize("x", [0, 1, 2, 3, 5, 10, 17, 20, 50, 100, 1000, 2.5])
def test_poisson_equals_chi_square_quantiles(x):
    """Garwood's limits written with SciPy's chi-square quantiles (the module uses the inverse
    incomplete gamma function): lower χ²(0,025; 2x)/2, upper χ²(0,975; 2x + 2)/2."""
    lower, upper = iv.poisson_exact(x, 25_000, scale=10_000)
    low = stats.chi2.ppf(0.025, 2 * x) / 2 if x > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * x + 2) / 2
    assert lower == pytest.approx(low / 25_000 * 10_000, rel=1e-10, abs=1e-15)
    assert upper == pytest.approx(high / 25_000 * 10_000, rel=1e-10)


def test_poisson_reproduces_published_exact_limits():
    """Exact 95 % limits of a Poisson count as printed in the standard tables (four significant
    digits), e.g. Haenszel W, Loveland DB, Sirken MG (1962), Lung-cancer mortality as related to
    residence and smoking histories, J Natl Cancer Inst 28, 947–1001, appendix table of Poisson
    limits, and Breslow NE, Day NE (1987), Statistical Methods in Cancer Research II, IARC; the
    chi-square form of the limits as in Ulm K (1990), A simple method to calculate the confidence
    interval of a standardized mortality ratio, Am J Epidemiol 131, 373–375:
    0 → 0–3.689, 1 → 0.0253–5.572, 2 → 0.2422–7.225, 3 → 0.6187–8.767, 5 → 1.623–11.67,
    10 → 4.795–18.39, 20 → 12.22–30.89."""
    table = {0: ("0", "3.689"), 1: ("0.0253", "5.572"), 2: ("0.2422", "7.225"), 3: ("0.6187", "8.767")}
    table |= {5: ("1.623", "11.67"), 10: ("4.795", "18.39"), 20: ("12.22", "30.89")}
    lower, upper = iv.poisson_exact(list(table), 1, scale=1)
    for (low, high), got_low, got_high in zip(table.values(), lower, upper):
        assert (printed(got_low, low), printed(got_high, high)) == (low, high)


def printed(value: float, like: str) -> str:
    """``value`` with as many decimals as the printed ``like``."""
    return f"{value:.{len(like.partition('.')[2])}f}"


def test_no_interval_without_valid_numbers():
    """0 denominators, suppressed (NaN) counts, negative counts and shares above 1: no interval,
    no flag; 0 events: an interval from 0."""
    counts = np.array([np.nan, 5, 5, -1, 6, 0])
    denominators = np.array([100, 0, np.nan, 100, 5, 100])
    for lower, upper in (iv.wilson(counts, denominators), iv.poisson_exact(counts[:4], denominators[:4])):
        assert np.isnan(lower[:4]).all() and np.isnan(upper[:4]).all()
    lower, upper = iv.wilson(counts, denominators)
    assert np.isnan(lower[4])  # 6 of 5
    assert lower[5] == 0 and upper[5] > 0
    assert iv.flag(lower, upper, 10.0).tolist() == ["", "", "", "", "", "niedriger"]
    low0, high0 = iv.poisson_exact(0, 800, scale=1000)
    assert low0 == 0 and high0 == pytest.approx(3.6889 / 800 * 1000, rel=1e-4)


def test_flag_above_contains_below():
    lower = np.array([11.0, 8.0, 2.0, 10.0, 5.0, np.nan])
    upper = np.array([15.0, 12.0, 9.0, 14.0, 10.0, 7.0])
    assert iv.flag(lower, upper, 10.0).tolist() == ["höher", "ähnlich", "niedriger", "ähnlich", "ähnlich", ""]
    assert iv.flag(lower[:2], upper[:2], [np.nan, 7.9]).tolist() == ["", "höher"]


def test_small_areas_are_similar_where_large_ones_differ():
    """The same rate of 15 % against a Kreis value of 10 %: not different for 40 inhabitants,
    higher for 4.000."""
    lower, upper = iv.wilson([6, 600], [40, 4000])
    assert iv.flag(lower, upper, 10.0).tolist() == ["ähnlich", "höher"]


def test_the_catalogue_says_which_interval():
    catalogue = {i["id"]: i for i in yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8"))}
    assert iv.interval_kind(catalogue["kl_sgb2_quote"]) == "wilson"
    assert iv.interval_kind(catalogue["kl_kinderarmut"]) == "wilson"
    assert iv.interval_kind(catalogue["kl_beratung_je_10000"]) == "poisson"
    for none in ("kl_jugendquotient", "kl_natuerlicher_saldo", "kl_einwohner", "sozialindex_status"):
        assert iv.interval_kind(catalogue[none]) == "", none
    lower, upper = iv.interval(catalogue["kl_beratung_je_10000"], [12, 0], [3000, 3000])
    assert lower[0] == pytest.approx(stats.chi2.ppf(0.025, 24) / 2 / 3000 * 10000)
    assert upper[1] == pytest.approx(stats.chi2.ppf(0.975, 2) / 2 / 3000 * 10000)
    lower, upper = iv.interval(catalogue["kl_jugendquotient"], [12, 0], [3000, 3000])
    assert np.isnan(lower).all() and np.isnan(upper).all()


@pytest.mark.parametrize("x", [0, 1, 2, 5, 10, 37, 250])
def test_poisson_equals_gamma_quantiles(x):
    """The same limits from SciPy's gamma distribution: lower = Gamma(x).ppf(α/2), upper =
    Gamma(x + 1).ppf(1 − α/2) (Ulm 1990), independent of the module's inverse incomplete gamma."""
    lower, upper = iv.poisson_exact(x, 1, scale=1)
    assert lower == pytest.approx(stats.gamma.ppf(0.025, x) if x > 0 else 0.0, rel=1e-10, abs=1e-15)
    assert upper == pytest.approx(stats.gamma.ppf(0.975, x + 1), rel=1e-10)


def test_poisson_reproduces_garwood_limits_to_three_decimals():
    """Garwood (1936) / Ulm (1990), exact 95 % limits of a Poisson count: 0 → 0–3,689, 1 → 0,0253–5,572,
    5 → 1,623–11,668, as the issue and the standard tables print them."""
    lower, upper = iv.poisson_exact([0, 1, 5], 1, scale=1)
    assert [f"{v:.3f}" for v in upper] == ["3.689", "5.572", "11.668"]
    assert [f"{lower[0]:.3f}", f"{lower[1]:.4f}", f"{lower[2]:.3f}"] == ["0.000", "0.0253", "1.623"]


@pytest.mark.parametrize("x", [0, 1, 3, 8, 40])
def test_poisson_is_the_limit_of_the_exact_binomial_interval(x):
    """Clopper–Pearson from SciPy's beta quantiles (the exact binomial interval) for x events out of a
    very large population, times that population, tends to the exact Poisson limits."""
    n = 10**8
    cp_low = stats.beta.ppf(0.025, x, n - x + 1) if x > 0 else 0.0
    cp_high = stats.beta.ppf(0.975, x + 1, n - x)
    lower, upper = iv.poisson_exact(x, n, scale=n)
    assert lower == pytest.approx(cp_low * n, rel=1e-5, abs=1e-12)
    assert upper == pytest.approx(cp_high * n, rel=1e-5)


@pytest.mark.parametrize("x,n", [(1, 29), (3, 7), (15, 148), (81, 263), (250, 800)])
def test_wilson_limits_are_where_the_score_test_reaches_z(x, n):
    """The Wilson limits are the proportions p at which the score statistic |x/n − p| / √(p(1−p)/n)
    equals the normal quantile z(0,975) (from SciPy); the exact Clopper–Pearson interval (beta
    quantiles, as binomtest's "exact") is wider, as Newcombe (1998) reports for these examples."""
    lower, upper = iv.wilson(x, n, scale=1)
    z = stats.norm.ppf(0.975)
    for p in (float(lower), float(upper)):
        assert abs(x / n - p) / np.sqrt(p * (1 - p) / n) == pytest.approx(z, rel=1e-9)
    cp = stats.binomtest(x, n).proportion_ci(method="exact")
    assert cp.high - cp.low > upper - lower
    assert stats.beta.ppf(0.025, x, n - x + 1) == pytest.approx(cp.low, rel=1e-9)


def test_coverage_of_the_intervals_computed_with_scipy():
    """Coverage computed exactly with SciPy's binomial and Poisson probabilities: the exact Poisson
    interval covers the true rate in at least 95 % of samples for every rate (it is exact, i.e.
    conservative); the Wilson interval's coverage averaged over p is close to 95 % (Brown, Cai &
    DasGupta 2001: mean coverage near the nominal level, unlike the Wald interval's)."""
    ks = np.arange(0, 200)
    lower, upper = iv.poisson_exact(ks, 1, scale=1)
    for mu in (0.5, 1.0, 2.5, 7.0, 20.0, 60.0):
        covered = (lower <= mu) & (mu <= upper)
        assert stats.poisson.pmf(ks[covered], mu).sum() >= 0.95
    n = 50
    xs = np.arange(0, n + 1)
    lo, hi = iv.wilson(xs, n, scale=1)
    coverage = [stats.binom.pmf(xs[(lo <= p) & (p <= hi)], n, p).sum() for p in np.linspace(0.01, 0.99, 197)]
    assert 0.94 <= np.mean(coverage) <= 0.96
