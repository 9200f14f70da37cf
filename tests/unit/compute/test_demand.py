"""Children by age band and expected people in need of care from a projection (compute/demand.py)."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import GENESIS, ROOT

from sozialbericht.compute import demand as dm
from sozialbericht.compute import projection as proj
from sozialbericht.core.errors import InputError

#: Simple rates for hand computations: 1 % under 60, 10 % 60–80, 50 % from 80; women +20 %.
RATES = {
    "quelle": {"titel": "Testquoten"},
    "quoten": [
        {"von": 0, "bis": 60, "insgesamt": 1.0, "maennlich": 1.0, "weiblich": 1.2},
        {"von": 60, "bis": 80, "insgesamt": 10.0, "maennlich": 10.0, "weiblich": 12.0},
        {"von": 80, "bis": None, "insgesamt": 50.0, "maennlich": 50.0, "weiblich": 60.0},
    ],
}


def hand_expected(pop: np.ndarray) -> float:
    """Σ rate × population by hand for a 2 × 101 population (men, women) and ``RATES``."""
    men = 0.01 * pop[0, :60].sum() + 0.10 * pop[0, 60:80].sum() + 0.50 * pop[0, 80:].sum()
    women = 0.012 * pop[1, :60].sum() + 0.12 * pop[1, 60:80].sum() + 0.60 * pop[1, 80:].sum()
    return men + women


def ageing(years: int = 16, shift: float = 0.02, seed: int = 1) -> np.ndarray:
    """A projection result (years × 2 × 101) of constant size whose age structure grows older each
    year: every year a share ``shift`` of every age moves to the open old age."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(500, 1500, (2, 101))
    out = [base]
    for _ in range(years - 1):
        nxt = out[-1] * (1 - shift)
        nxt[:, 90] += out[-1].sum(axis=1) * shift
        out.append(nxt)
    return np.array(out)


def variants(result: np.ndarray, first_year: int = 2020) -> pd.DataFrame:
    return pd.concat(
        [
            dm.single_year_frame(result * f, first_year, variant=v)
            for v, f in (("niedrig", 0.98), ("mittel", 1.0), ("hoch", 1.03))
        ],
        ignore_index=True,
    )


# --- populations ---------------------------------------------------------------------------------
def test_single_year_frame():
    result = np.arange(3 * 2 * 101, dtype=float).reshape(3, 2, 101)
    frame = dm.single_year_frame(result, 2020, area_id="15085")
    assert list(frame.columns) == ["area_id", "year", "sex", "age_from", "age_to", "value"]
    assert len(frame) == 3 * 2 * 101 and frame["value"].sum() == result.sum()
    row = frame[(frame["year"] == 2021) & (frame["sex"] == "weiblich") & (frame["age_from"] == 100)].iloc[0]
    assert np.isnan(row["age_to"]) and row["value"] == result[1, 1, 100]


def test_children_from_single_years_and_from_groups():
    result = ageing(years=2)
    kids = dm.children(dm.single_year_frame(result, 2020))
    krippe = kids[(kids["year"] == 2021) & (kids["band"] == "0 bis 2 Jahre (Krippe)")]["value"].item()
    assert krippe == pytest.approx(result[1, :, 0:3].sum())
    grundschule = kids[(kids["year"] == 2020) & (kids["band"] == "6 bis 9 Jahre (Grundschule)")]["value"].item()
    assert grundschule == pytest.approx(result[0, :, 6:10].sum())
    assert list(kids["band"].cat.categories) == list(dm.CHILD_BANDS)
    # a group that does not match the bands is split by the years it shares with each
    groups = pd.DataFrame(
        {"year": 2020, "age_from": [0.0, 5.0, 12.0], "age_to": [5.0, 12.0, np.nan], "value": [500.0, 700.0, 9000.0]}
    )
    split = dm.children(groups).set_index("band")["value"]
    assert split.tolist() == pytest.approx([300.0, 200 + 100, 400.0])


def test_children_from_the_published_projection_match_exactly():
    """The planning groups of prognose.csv are the bands themselves: nothing is split."""
    result = ageing(years=3)
    published = pd.concat(
        [proj.groups_of(result, 2020).assign(area_id="15085", variant=v) for v in ("niedrig", "mittel", "hoch")],
        ignore_index=True,
    )
    kids = dm.children(dm.planning_frame(published))
    direct = dm.children(variants(result))
    mittel = kids[kids["variant"] == "mittel"].reset_index(drop=True)
    same = direct[direct["variant"] == "mittel"].reset_index(drop=True)
    assert mittel["value"].to_numpy() == pytest.approx(same["value"].to_numpy())
    assert set(kids.columns) == {"area_id", "variant", "year", "band", "value"}


# --- care rates --------------------------------------------------------------------------------------
def test_rates_must_cover_all_ages():
    gap = {"quoten": [{"von": 0, "bis": 60, **dict.fromkeys(("insgesamt", "maennlich", "weiblich"), 1.0)}]}
    with pytest.raises(InputError, match="offenen Gruppe"):
        dm.care_rates(gap)
    hole = {"quoten": [RATES["quoten"][0], RATES["quoten"][2]]}
    with pytest.raises(InputError, match="schließen nicht aneinander an") as err:
        dm.care_rates(hole)
    assert "config/pflegequoten.yaml" in str(err.value) and "ab 80" in str(err.value)


@pytest.fixture(scope="module")
def shipped():
    return dm.load_care_rates(root=ROOT), yaml.safe_load((ROOT / "config" / "pflegequoten.yaml").read_text(encoding="utf-8"))


def test_shipped_rates_are_valid_and_name_their_source(shipped):
    rates, config = shipped
    assert rates.source["statistik"] == "Pflegestatistik" and rates.source["jahr"] == 2021
    assert rates.table["rate"].between(0, 1).all()
    assert set(rates.table["sex"]) == {"insgesamt", "männlich", "weiblich"}
    checked = {(g["von"], g["bis"]): g for g in config["kontrolle"]["gruppen"]}
    for band in config["quoten"]:
        if band["geprueft"]:  # a checked row is the published value
            published = checked[(band["von"], band["bis"])]
            assert [band[k] for k in ("insgesamt", "maennlich", "weiblich")] == [
                published[k] for k in ("insgesamt", "maennlich", "weiblich")
            ]


def test_shipped_rates_reproduce_the_checked_group_under_75(shipped):
    """The unchecked rows under 75, weighted by Germany's population of 31.12.2020 (12411-0018,
    spread over single years as in the projection), give the published rate of the group
    "unter 75" to 0.1 percentage points, for both sexes and each sex."""
    from sozialbericht.core.ages import age_groups
    from sozialbericht.ingest.genesis import read_genesis_csv

    rates, config = shipped
    ages = age_groups(read_genesis_csv(GENESIS / "12411-0018.csv"))
    ages = ages[(ages["area_id"].str.len() == 5) & (ages["period"] == "2020-12-31")]
    germany = ages.groupby(["sex", "age_from", "age_to"], as_index=False, dropna=False)["value"].sum()
    single = np.array([proj.single_years(germany[germany["sex"] == s]) for s in proj.SEXES])
    under75 = dm.single_year_frame(single[:, :75], 2020)
    under75.loc[under75["age_from"] == 74, "age_to"] = 75.0
    published = next(g for g in config["kontrolle"]["gruppen"] if (g["von"], g["bis"]) == (0, 75))
    by_sex = dm.expected_care(under75, rates).set_index("sex")["value"]
    pop = under75.groupby("sex")["value"].sum()
    assert by_sex["männlich"] / pop["männlich"] * 100 == pytest.approx(published["maennlich"], abs=0.1)
    assert by_sex["weiblich"] / pop["weiblich"] * 100 == pytest.approx(published["weiblich"], abs=0.1)
    assert by_sex.sum() / pop.sum() * 100 == pytest.approx(published["insgesamt"], abs=0.1)


# --- expected people in need of care ---------------------------------------------------------------
def test_base_year_equals_the_kreis_count_and_totals_equal_rate_times_population():
    rates = dm.care_rates(RATES)
    result = ageing()
    base = ageing(years=1, seed=9)[0]
    population = variants(result)
    got = dm.care_projection(population, dm.single_year_frame(base, 2019).drop(columns="year"), 4321, 2019, rates)
    factor = 4321 / hand_expected(base)
    assert (got[got["year"] == 2019]["value"] == 4321).all()
    assert got.loc[got["year"] == 2019, "unadjusted"].to_numpy() == pytest.approx(hand_expected(base))
    for variant, scale in (("niedrig", 0.98), ("mittel", 1.0), ("hoch", 1.03)):
        for year in dm.CARE_YEARS:
            row = got[(got["variant"] == variant) & (got["year"] == year)].iloc[0]
            expected = hand_expected(result[year - 2020] * scale)
            assert row["unadjusted"] == pytest.approx(expected)
            assert row["value"] == pytest.approx(expected * factor)
            assert row["factor"] == pytest.approx(factor)
    assert list(got.columns) == ["variant", "year", "value", "unadjusted", "factor"]


def test_calibration_by_sex():
    rates = dm.care_rates(RATES)
    result, base = ageing(), ageing(years=1, seed=4)[0]
    count = {"männlich": 1000.0, "weiblich": 2500.0}
    got = dm.care_projection(variants(result), dm.single_year_frame(base, 2019).drop(columns="year"), count, 2019, rates)
    assert (got[got["year"] == 2019]["value"] == 3500).all()
    men = 1000 / (0.01 * base[0, :60].sum() + 0.10 * base[0, 60:80].sum() + 0.50 * base[0, 80:].sum())
    women = 2500 / (0.012 * base[1, :60].sum() + 0.12 * base[1, 60:80].sum() + 0.60 * base[1, 80:].sum())
    pop = result[2030 - 2020]
    expected = men * (0.01 * pop[0, :60].sum() + 0.10 * pop[0, 60:80].sum() + 0.50 * pop[0, 80:].sum())
    expected += women * (0.012 * pop[1, :60].sum() + 0.12 * pop[1, 60:80].sum() + 0.60 * pop[1, 80:].sum())
    assert got[(got["variant"] == "mittel") & (got["year"] == 2030)]["value"].item() == pytest.approx(expected)


def test_an_ageing_population_needs_more_care_a_constant_one_the_same():
    rates = dm.care_rates(RATES)
    result = ageing()
    base = dm.single_year_frame(result[0], 2020).drop(columns="year")
    years = tuple(range(2021, 2036))
    got = dm.care_projection(variants(result), base, 1000, 2020, rates, years=years)
    mittel = got[got["variant"] == "mittel"]["value"].to_numpy()
    assert (np.diff(mittel) > 0).all() and mittel[0] == 1000
    constant = dm.care_projection(variants(np.repeat(result[:1], 16, axis=0)), base, 1000, 2020, rates, years=years)
    assert constant[constant["variant"] == "mittel"]["value"].to_numpy() == pytest.approx(1000)
    rng = dm.care_range(got)
    assert (rng["low"] <= rng["value"]).all() and (rng["value"] <= rng["high"]).all()
    assert rng.set_index("year").loc[2035, "high"] == got[(got["year"] == 2035)]["value"].max()


def test_base_and_projection_must_share_their_age_groups():
    rates = dm.care_rates(RATES)
    result = ageing()
    groups = pd.DataFrame(
        {"variant": "mittel", "year": 2025, "age_from": [0.0, 80.0], "age_to": [80.0, np.nan], "value": [1e5, 1e4]}
    )
    with pytest.raises(ValueError, match="same age groups"):
        dm.care_projection(groups, dm.single_year_frame(result[0], 2020).drop(columns=["year", "sex"]), 1000, 2019, rates)


def test_a_wrong_rate_in_the_file_names_the_key(tmp_path):
    import shutil

    (tmp_path / "config" / "schemas").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "schemas" / "pflegequoten.schema.yaml", tmp_path / "config" / "schemas")
    text = (ROOT / "config" / "pflegequoten.yaml").read_text(encoding="utf-8").replace("insgesamt: 81.6", "insgesamt: 816")
    (tmp_path / "config" / "pflegequoten.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        dm.load_care_rates(root=tmp_path)
    assert "quoten.8.insgesamt" in str(err.value) and "816" in str(err.value)
