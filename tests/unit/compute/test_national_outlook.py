"""The national step's comparable Kreise and demand (compute/national_outlook.py): the comparison
tables take their numbers from the national indicator table, the care projection's base year is
the Kreis's count and its totals are Σ rate × population, the children are the projection's
single years; the slices carry the new files."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from sozialbericht.compute import demand as dm
from sozialbericht.compute import national_outlook as no
from sozialbericht.compute import peers as pr
from sozialbericht.compute import projection as proj
from sozialbericht.compute.national_slices import SliceSources, _Index, _write_outlook, write_outlook_tables
from sozialbericht.core.areas import forms
from sozialbericht.core.errors import InputError

YEAR = 2020
IDS = [
    "jugendquotient",
    "altenquotient",
    "bevoelkerung_veraenderung",
    "arbeitslosenquote",
    "anteil_langzeitarbeitslose",
    "pflegequote",
]
CATALOGUE = [{"id": i, "level": "kreis"} for i in [*IDS, "pflegebeduerftige"]] + [{"id": "kl_sgb2_quote", "level": "gemeinde"}]
#: Simple rates for hand computations: 1 % under 60, 10 % 60–80, 50 % from 80 (both sexes alike).
RATES = dm.care_rates(
    {
        "quelle": {"titel": "Testquoten"},
        "quoten": [
            {"von": 0, "bis": 60, "insgesamt": 1.0, "maennlich": 1.0, "weiblich": 1.0, "geprueft": True},
            {"von": 60, "bis": 80, "insgesamt": 10.0, "maennlich": 10.0, "weiblich": 10.0, "geprueft": False},
            {"von": 80, "bis": None, "insgesamt": 50.0, "maennlich": 50.0, "weiblich": 50.0, "geprueft": True},
        ],
    }
)


def hand_care(pop: np.ndarray) -> float:
    """Σ rate × population by hand for a 2 × 101 population and ``RATES``."""
    return 0.01 * pop[:, :60].sum() + 0.10 * pop[:, 60:80].sum() + 0.50 * pop[:, 80:].sum()


def national_table(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small national indicator table (three clusters of five Kreise, two periods, a biennial
    care rate and count, one Gemeinde row that must be ignored) and a GV-ISys directory."""
    rng = np.random.default_rng(seed)
    keys = [f"{land:02d}{i:03d}" for land in (1, 5, 9) for i in range(1, 6)]
    rows = []
    for n, key in enumerate(keys):
        centre = (n // 5) * 10.0
        for ind in IDS:
            for period, shift in (("2019-12-31", -1.0), ("2020-12-31", 0.0)):
                if ind == "pflegequote" and period == "2020-12-31":
                    continue  # biennial: the newest value is of 2019
                rows.append((ind, key, period, 50 + centre + shift + rng.normal(0, 0.5)))
        rows.append(("pflegebeduerftige", key, "2019-12-31", 1000.0 + n))
        rows.append(("pflegebeduerftige", key, "2017-12-31", 900.0))
    rows.append(("arbeitslosenquote", "010010000001", "2020-12-31", 99.0))
    table = pd.DataFrame(rows, columns=["indicator_id", "area_id", "period", "value"])
    table = table.assign(
        area_name="", area_level=np.where(table["area_id"].str.len() == 5, "kreis", "gemeinde"), unit="", flag=""
    )
    directory = pd.DataFrame(
        [
            (k + "0000001", var, v)
            for k in keys
            for var, v in (("flaeche_km2", 100.0), ("bevoelkerung", 10000.0 * (1 + int(k[:2]))))
        ],
        columns=["area_id", "variable", "value"],
    ).assign(area_level="gemeinde", period="2019-12-31")
    return table, directory


@pytest.fixture(scope="module")
def synthetic():
    table, directory = national_table()
    kreise = sorted(table.loc[table["area_level"] == "kreis", "area_id"].unique())
    meta = {k: forms(k, f"Kreis {k}", "Landkreis") for k in kreise}
    laender = {"laender": {"01": {"name": "Schleswig-Holstein"}, "05": {"name": "Nordrhein-Westfalen"}, "09": {"name": "Bayern"}}}
    settings = {"vergleichskreise": {"anzahl": 4, "kennzahlen": IDS}}
    comparison = no.compare_kreise(table, directory, kreise, meta, settings, CATALOGUE, laender, YEAR)
    return table, directory, kreise, comparison


def test_groups_recover_the_clusters_and_carry_names(synthetic):
    _, _, kreise, comparison = synthetic
    groups = pr.as_mapping(comparison.groups)
    assert set(groups) == set(kreise) and all(len(g) == 4 for g in groups.values())
    assert all(p[:2] == k[:2] for k, g in groups.items() for p in g)  # each cluster is a Land here
    members = comparison.members[comparison.members["kreis"] == "05003"]
    assert members["rank"].tolist() == [1, 2, 3, 4] and members["area_id"].tolist() == groups["05003"]
    assert (members["land_name"] == "Nordrhein-Westfalen").all()
    assert members["area_name"].tolist() == [f"Kreis {k}" for k in groups["05003"]]


def test_comparison_table_numbers_equal_the_national_indicator_table(synthetic):
    table, _, kreise, comparison = synthetic
    groups = pr.as_mapping(comparison.groups)
    assert comparison.tables["area_id"].unique().tolist() == kreise
    for kreis in ("01001", "09005"):
        got = comparison.tables[comparison.tables["area_id"] == kreis].set_index("indicator_id")
        assert list(got.index) == IDS
        for ind in IDS:
            rows = table[(table["indicator_id"] == ind) & (table["area_level"] == "kreis")]
            newest = rows[rows["period"] == rows["period"].max()].set_index("area_id")["value"]
            peers_values = newest[groups[kreis]]
            assert got.at[ind, "value"] == newest[kreis]
            assert got.at[ind, "period"] == ("2019-12-31" if ind == "pflegequote" else "2020-12-31")
            assert got.at[ind, "median"] == pytest.approx(peers_values.median())
            assert got.at[ind, "p25"] == pytest.approx(peers_values.quantile(0.25))
            assert got.at[ind, "p75"] == pytest.approx(peers_values.quantile(0.75))
            assert got.at[ind, "rank"] == 1 + (peers_values > newest[kreis]).sum() and got.at[ind, "n"] == 4
    # the values the district step reads for an own group are rows of the same table
    values = comparison.values.merge(table, on=["indicator_id", "area_id", "period"], suffixes=("", "_table"))
    assert len(values) == len(comparison.values) == len(kreise) * len(IDS)
    assert (values["value"] == values["value_table"]).all()


def test_key_indicators_must_be_kreis_indicators_of_the_catalogue():
    assert no.key_indicators({}, [{"id": i, "level": "kreis"} for i in no.DEFAULT_KEY_INDICATORS]) == list(
        no.DEFAULT_KEY_INDICATORS
    )
    with pytest.raises(InputError) as err:
        no.key_indicators({"vergleichskreise": {"kennzahlen": ["arbeitslosenquote", "kl_sgb2_quote", "tippfehler"]}}, CATALOGUE)
    text = str(err.value)
    assert (
        "config/config.yaml" in text
        and "vergleichskreise.kennzahlen" in text
        and "kl_sgb2_quote" in text
        and "tippfehler" in text
    )


def test_the_shipped_key_indicators_are_in_the_catalogue():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    catalogue = yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8"))
    assert no.key_indicators(config, catalogue) == config["vergleichskreise"]["kennzahlen"]


# --- demand --------------------------------------------------------------------------------------------
def projection(seed: int, years: int = 16) -> np.ndarray:
    """A projection result (years × 2 × 101) that grows older each year."""
    rng = np.random.default_rng(seed)
    out = [rng.uniform(500, 1500, (2, 101))]
    for _ in range(years - 1):
        nxt = out[-1] * 0.98
        nxt[:, 85] += out[-1].sum(axis=1) * 0.02
        out.append(nxt)
    return np.array(out)


VARIANTS = {"niedrig": 0.97, "mittel": 1.0, "hoch": 1.04}


@pytest.fixture(scope="module")
def demand():
    collector = no.DemandCollector(YEAR, no.care_years(YEAR, 2035))
    results = {}
    for n, kreis in enumerate(("15085", "15002", "15003")):
        base = projection(n)
        for variant, f in VARIANTS.items():
            results[(kreis, variant)] = base * f
            collector.add(kreis, variant, base * f)
    counts = pd.DataFrame(
        {
            "area_id": ["15085", "15002", "15003"],
            "period": ["2019-12-31", "2019-12-31", "2017-12-31"],
            "value": [13863.0, 9000.0, 5000.0],
        }
    )
    # 15003's count date has no population: no care rows for it
    bases = {("15085", "2019-12-31"): projection(7)[0], ("15002", "2019-12-31"): projection(8)[0]}
    prognose = pd.concat(
        [proj.groups_of(r, YEAR).assign(area_id=k, variant=v) for (k, v), r in results.items()], ignore_index=True
    )
    return results, counts, bases, no.demand_tables(collector, counts, bases, RATES, prognose)


def test_care_base_year_equals_the_kreis_count(demand):
    _, counts, _, tables = demand
    care = tables.care
    assert sorted(care["area_id"].unique()) == ["15002", "15085"]
    first = care[care["year"] == 2019]
    assert len(first) == 6 and first.groupby("area_id")["value"].first().to_dict() == {"15085": 13863.0, "15002": 9000.0}
    assert list(care.columns) == ["area_id", "variant", "year", "value", "unadjusted", "factor"]
    assert sorted(care["year"].unique()) == [2019, 2025, 2030, 2035]


def test_care_totals_equal_rate_times_population(demand):
    results, counts, bases, tables = demand
    care = tables.care.set_index(["area_id", "variant", "year"])
    for kreis in ("15085", "15002"):
        base = hand_care(bases[(kreis, "2019-12-31")])
        count = counts.set_index("area_id").at[kreis, "value"]
        for variant in VARIANTS:
            assert care.at[(kreis, variant, 2019), "unadjusted"] == pytest.approx(base)
            for year in (2025, 2030, 2035):
                expected = hand_care(results[(kreis, variant)][year - YEAR])
                assert care.at[(kreis, variant, year), "unadjusted"] == pytest.approx(expected)
                assert care.at[(kreis, variant, year), "value"] == pytest.approx(expected * count / base)


def test_care_projections_equal_care_projection_per_kreis(demand):
    """The national step's one pass for all Kreise gives care_projection's numbers for each, also
    from single years of age (the national step sums them to the rates' bands first)."""
    results, counts, bases, tables = demand
    for kreis in ("15085", "15002"):
        population = pd.concat(
            [dm.single_year_frame(results[(kreis, v)][y - YEAR], y, variant=v) for v in VARIANTS for y in (2025, 2030, 2035)],
            ignore_index=True,
        )
        base = dm.single_year_frame(bases[(kreis, "2019-12-31")], 2019).drop(columns="year")
        count = counts.set_index("area_id").at[kreis, "value"]
        single = dm.care_projection(population, base, count, 2019, RATES)
        got = tables.care[tables.care["area_id"] == kreis].drop(columns="area_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, single, check_dtype=False, rtol=1e-12)


def test_children_are_the_single_years_of_the_projection(demand):
    """The children are the printed planning groups of the projection table: its single years
    summed to the bands, rounded so that the groups add up (at most 1 from the exact sum)."""
    results, _, _, tables = demand
    kids = tables.children.set_index(["area_id", "variant", "year", "band"])["value"]
    assert len(kids) == 3 * 3 * 16 * 3 and list(tables.children.columns) == ["area_id", "variant", "year", "band", "value"]
    for (kreis, variant), result in results.items():
        printed = proj.groups_of(result, YEAR).set_index(["year", "group"])["value"]
        for year in (2020, 2027, 2035):
            pop = result[year - YEAR]
            for band, (lo, hi) in dm.CHILD_BANDS.items():
                assert kids[(kreis, variant, year, band)] == printed[(year, band)]
                assert abs(kids[(kreis, variant, year, band)] - pop[:, lo:hi].sum()) <= 1


def test_care_counts_take_the_newest_count_up_to_the_year(synthetic):
    table = synthetic[0]
    counts = no.care_counts(table, YEAR).set_index("area_id")
    assert (counts["period"] == "2019-12-31").all() and counts.at["01001", "value"] == 1000.0
    assert (no.care_counts(table, 2018)["value"] == 900.0).all()
    assert no.care_years(2020, 2035) == (2025, 2030, 2035) and no.care_years(2025, 2032) == (2030,)


def test_care_rates_info_names_the_source_and_the_unchecked_bands():
    info = no.care_rates_info(RATES)
    assert info["quelle"] == {"titel": "Testquoten"} and info["alle_geprueft"] is False
    assert [(b["von"], b["bis"], b["insgesamt"], b["geprueft"]) for b in info["quoten"]] == [
        (0, 60, 1.0, True),
        (60, 80, 10.0, False),
        (80, None, 50.0, True),
    ]
    shipped = no.care_rates_info(dm.load_care_rates(root=ROOT))
    assert shipped["quelle"]["statistik"] == "Pflegestatistik" and shipped["jahre"] == [2025, 2030, 2035]


# --- the slices ------------------------------------------------------------------------------------------
def empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})


def test_slices_and_national_tables_carry_the_new_files(tmp_path, synthetic, demand):
    table, directory, kreise, comparison = synthetic
    src = SliceSources(
        current=kreise,
        meta={},
        ids={},
        table=table,
        directory=directory,
        changes=empty("from_ars", "to_ars"),
        kreis_maps={},
        targets=empty("area_id", "target"),
        zensus=empty("area_id"),
        population=empty("area_id"),
        prognose=empty("area_id"),
        calibrations={},
        pyramids=empty("area_id"),
        comparison=comparison,
        demand=demand[3],
        care_rates=no.care_rates_info(RATES),
    )
    idx = _Index(src)
    folder = tmp_path / "kreise" / "01002"
    folder.mkdir(parents=True)
    _write_outlook("01002", src, idx, folder)
    write_outlook_tables(src, tmp_path)
    group = pd.read_csv(folder / "vergleichskreise.csv", dtype={"area_id": str, "land": str})
    assert list(group.columns) == ["rank", "area_id", "area_name", "land", "land_name", "distance"]
    assert group["area_id"].tolist() == pr.as_mapping(comparison.groups)["01002"]
    table_csv = pd.read_csv(folder / "vergleich.csv", dtype={"period": str})
    assert list(table_csv.columns) == ["indicator_id", "period", "value", "median", "p25", "p75", "n", "rank", "position"]
    assert table_csv["indicator_id"].tolist() == IDS
    # a Kreis without a projection gets empty demand tables with their columns
    assert pd.read_csv(folder / "bedarf_pflege.csv").empty and list(pd.read_csv(folder / "bedarf_kinder.csv").columns) == [
        "area_id",
        "variant",
        "year",
        "band",
        "value",
    ]
    national = pd.read_csv(tmp_path / "vergleichskreise.csv", dtype={"area_id": str, "peer_id": str})
    assert list(national.columns) == ["area_id", "rank", "peer_id", "distance"] and len(national) == 15 * 4
    assert json.loads((tmp_path / "pflegequoten.json").read_text(encoding="utf-8"))["alle_geprueft"] is False
    assert len(pd.read_csv(tmp_path / "vergleichswerte.csv")) == len(comparison.values)


# --- the real national data ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    """The Kreis-level indicators of the shipped raw data (as the national step computes them),
    the age table and the GV-ISys directory of 31.12.2019: about 5 s."""
    from sozialbericht.compute import indicators
    from sozialbericht.compute.national import stadtstaaten
    from sozialbericht.core.ages import age_groups
    from sozialbericht.ingest.staging import stage_table

    specs = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
    raw = ROOT / "data" / "raw"
    tables = {
        n: stadtstaaten(stage_table(specs[n], [raw / f for f in specs[n]["files"]]))
        for n in ("bevoelkerung_alter", "arbeitslose", "pflege")
    }
    gv = specs["gemeindeverzeichnis"]
    directory = stage_table(gv, [raw / f for f in gv["files"] if "2019" in f])
    catalogue = [
        i for i in yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8")) if i["level"] == "kreis"
    ]
    table = indicators.compute(catalogue, tables, "kreis", {}, base_year=2015)
    table = table[table["period"].str[:4].astype(int) <= YEAR]
    return table, directory, age_groups(tables["bevoelkerung_alter"]), catalogue


def test_real_care_projection_starts_at_the_kreis_count(real):
    """Harz, the kreisfreie Stadt Halle (Saale) and Berlin: the care projection's first year is the
    Kreis's count of 22411-02-03-4 of 31.12.2019 (the newest up to 2020), in every variant."""
    from sozialbericht.compute.national import germany_population, kreis_demand, project_kreise

    table, directory, ages, _ = real
    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["projection"]
    laender = yaml.safe_load((ROOT / "config" / "laender.yaml").read_text(encoding="utf-8"))
    kreise = ["15085", "15002", "11000"]
    collector = no.DemandCollector(YEAR, no.care_years(YEAR, 2035))
    prognose, _ = project_kreise(
        ages,
        germany_population(ages, YEAR),
        directory,
        kreise,
        laender,
        settings,
        YEAR,
        2035,
        settings["wanderung_deutschland_je_1000"],
        collector.add,
    )
    got = kreis_demand(collector, table, ages, dm.load_care_rates(root=ROOT), YEAR, prognose)
    counts = table[(table["indicator_id"] == "pflegebeduerftige") & (table["period"] == "2019-12-31")].set_index("area_id")[
        "value"
    ]
    for kreis in kreise:
        care = got.care[got.care["area_id"] == kreis]
        first = care[care["year"] == 2019]
        assert len(first) == 3 and (first["value"] == counts[kreis]).all(), kreis
        assert sorted(care["year"].unique()) == [2019, 2025, 2030, 2035]
        # the children of the base year are the projection's planning groups of the base year
        kids = got.children[
            (got.children["area_id"] == kreis) & (got.children["year"] == YEAR) & (got.children["variant"] == "mittel")
        ]
        groups = prognose[(prognose["area_id"] == kreis) & (prognose["year"] == YEAR) & (prognose["variant"] == "mittel")]
        assert kids.set_index("band")["value"].to_dict() == pytest.approx(
            groups.set_index("group")["value"][list(dm.CHILD_BANDS)].to_dict()
        )
    assert counts["15085"] == 13863


def test_real_comparison_tables_equal_the_national_table(real):
    table, directory, _, catalogue = real
    kreise = pr.kreise_of_year(table, YEAR)
    meta = {k: forms(k, k, "Landkreis") for k in kreise}
    laender = yaml.safe_load((ROOT / "config" / "laender.yaml").read_text(encoding="utf-8"))
    got = no.compare_kreise(table, directory, kreise, meta, {}, catalogue, laender, YEAR)
    assert len(kreise) == 401 and got.tables["area_id"].nunique() == 401 and (got.tables["n"] <= 10).all()
    group = pr.as_mapping(got.groups)["15085"]
    harz = got.tables[got.tables["area_id"] == "15085"].set_index("indicator_id")
    for ind in no.DEFAULT_KEY_INDICATORS:
        period = harz.at[ind, "period"]
        values = table[(table["indicator_id"] == ind) & (table["period"] == period)].set_index("area_id")["value"]
        assert harz.at[ind, "value"] == values["15085"]
        assert harz.at[ind, "median"] == pytest.approx(values[group].median()) and harz.at[ind, "n"] == 10
    assert harz.at["arbeitslosenquote", "value"] == 6.1 and harz.at["pflegequote", "period"] == "2019-12-31"
