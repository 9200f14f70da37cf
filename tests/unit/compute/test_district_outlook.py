"""What the district step adds beside its indicator table (compute/district_outlook.py and
intervals.table_intervals): the comparison group (computed or the district's own), the comparison
table, the demand tables, and the 95 % intervals of the small-area rates with their flags."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sozialbericht.compute import district_outlook as do
from sozialbericht.compute import intervals as iv
from sozialbericht.core.errors import InputError
from sozialbericht.core.files import write_tidy

KREIS = "15085"
#: Denominators: the inhabitants of the district's own population table (dataset "bev").
POPULATION = {"dataset": "bev", "variable": "einwohner"}
CATALOGUE = [
    {"id": "kl_sgb2_quote", "level": "gemeinde", "method": "ratio", "unit": "%", "scale": 100, "denominator": POPULATION},
    {
        "id": "kl_beratung_je_10000",
        "level": "gemeinde",
        "method": "ratio",
        "unit": "je 10.000",
        "scale": 10000,
        "denominator": POPULATION,
    },
    {"id": "kl_jugendquotient", "level": "gemeinde", "method": "ratio", "unit": "je 100", "scale": 100},
    {"id": "kl_einwohner", "level": "gemeinde", "method": "value", "unit": "Anzahl"},
]
G1, G2, G3, SR = "150850001001", "150850002002", "150850003003", "15085-nord"
#: The district's own population table in the tidy format (what indicators.quantity reads).
OWN_TABLES = {
    "bev": pd.DataFrame(
        {
            "area_id": [G1, G2, G3],
            "period": "2020-12-31",
            "variable": "einwohner",
            "value": [200.0, 800.0, 50.0],
            "flag": "",
            "unit": "Anzahl",
            "area_level": "gemeinde",
        }
    )
}


def rows(indicator: str, cells: list[tuple], scale: float) -> list[dict]:
    """Indicator rows (published value, count) from (area, count, denominator, flag) cells."""
    out = []
    for area, count, n, flag in cells:
        value = np.nan if flag else count / n * scale
        level = "kreis" if area == KREIS else "sozialraum" if "-" in area else "gemeinde"
        out.append(
            {
                "indicator_id": indicator,
                "area_id": area,
                "area_level": level,
                "period": "2020-12-31",
                "value": value,
                "flag": flag,
                "numerator": count,
            }
        )
    return out


@pytest.fixture
def district():
    """A Kreis of three Gemeinden and one Sozialraum: SGB II shares, counselling cases per 10.000,
    a Jugendquotient (no interval) and a suppressed cell (count 2)."""
    cells = [
        *rows(
            "kl_sgb2_quote",
            [(G1, 30, 200, ""), (G2, 0, 800, ""), (G3, 2, 50, "."), (SR, 30, 1000, ""), (KREIS, 1000, 20000, "")],
            100,
        ),
        *rows("kl_beratung_je_10000", [(G1, 4, 200, ""), (G2, 120, 800, ""), (G3, 0, 50, ""), (KREIS, 300, 20000, "")], 10000),
        *rows("kl_jugendquotient", [(G1, 40, 100, ""), (KREIS, 30, 100, "")], 100),
    ]
    counts = pd.DataFrame(cells)
    table = counts.drop(columns="numerator")
    denominators = {"kl_sgb2_quote": {G2: 800.0}, "kl_beratung_je_10000": {G3: 50.0}}

    def denominator_of(entry):
        d = denominators[entry["id"]]
        return pd.DataFrame({"area_id": list(d), "year": "2020", "value": list(d.values())})

    return table, counts, denominator_of


def test_intervals_of_shares_and_rates_against_scipy(district):
    table, counts, denominator_of = district
    got = iv.table_intervals(table, counts, CATALOGUE, KREIS, denominator_of).set_index(["indicator_id", "area_id"])
    assert list(got.reset_index().columns) == iv.INTERVAL_COLUMNS
    # Wilson for the shares (SciPy's binomial test computes it independently)
    for area, x, n in ((G1, 30, 200), (G2, 0, 800), (SR, 30, 1000)):
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert got.loc[("kl_sgb2_quote", area), ["lower", "upper"]].tolist() == pytest.approx([ci.low * 100, ci.high * 100])
    # exact Poisson for the rates of events: half the chi-square quantiles with 2x and 2x + 2 degrees of freedom
    for area, x, n in ((G1, 4, 200), (G2, 120, 800), (G3, 0, 50)):
        lower = stats.chi2.ppf(0.025, 2 * x) / 2 if x else 0.0
        upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2
        assert got.loc[("kl_beratung_je_10000", area), ["lower", "upper"]].tolist() == pytest.approx(
            [lower / n * 10000, upper / n * 10000]
        )


def test_flags_against_the_kreis_value(district):
    table, counts, denominator_of = district
    got = iv.table_intervals(table, counts, CATALOGUE, KREIS, denominator_of).set_index(["indicator_id", "area_id"])["flag"]
    # Kreis: 5 % SGB II, 150 cases per 10.000
    assert got[("kl_sgb2_quote", G1)] == "höher"  # 15 % of 200
    assert got[("kl_sgb2_quote", G2)] == "niedriger"  # none of 800
    assert got[("kl_sgb2_quote", SR)] == "niedriger"  # 3 % of 1.000
    assert got[("kl_beratung_je_10000", G1)] == "ähnlich"  # 200 per 10.000 from 4 cases
    assert got[("kl_beratung_je_10000", G2)] == "höher"  # 1.500 per 10.000 from 120 cases
    assert got[("kl_beratung_je_10000", G3)] == "ähnlich"  # no case among 50 (upper limit 738)


def test_which_rows_get_an_interval(district):
    table, counts, denominator_of = district
    got = iv.table_intervals(table, counts, CATALOGUE, KREIS, denominator_of)
    keys = list(zip(got["indicator_id"], got["area_id"]))
    # the table's order; no Kreis row, no suppressed cell, no Jugendquotient (a quotient, not a share)
    assert keys == [
        ("kl_sgb2_quote", G1),
        ("kl_sgb2_quote", G2),
        ("kl_sgb2_quote", SR),
        ("kl_beratung_je_10000", G1),
        ("kl_beratung_je_10000", G2),
        ("kl_beratung_je_10000", G3),
    ]
    # a count of 0 has no denominator in its rate: without the catalogue's denominator, no interval
    without = iv.table_intervals(table, counts, CATALOGUE, KREIS)
    assert (G2 not in set(without.loc[without["indicator_id"] == "kl_sgb2_quote", "area_id"])) and len(without) == 4
    # a suppressed Kreis value: intervals, but no flag
    hidden = table.assign(value=np.where(table["area_id"] == KREIS, np.nan, table["value"]))
    assert (iv.table_intervals(hidden, counts, CATALOGUE, KREIS, denominator_of)["flag"] == "").all()


def test_every_published_value_lies_in_its_interval(district):
    table, counts, denominator_of = district
    got = iv.table_intervals(table, counts, CATALOGUE, KREIS, denominator_of).merge(
        table, on=["indicator_id", "area_id", "period"]
    )
    assert ((got["lower"] <= got["value"]) & (got["value"] <= got["upper"])).all()


# --- the work folder -------------------------------------------------------------------------------------
GROUP = ["16076", "15082", "15084"]
IDS = ["arbeitslosenquote", "pflegequote"]


class Year:
    """What district_outlook.write reads of district.YearInputs."""

    def __init__(self, national_dir):
        self.year, self.national_dir, self.catalogue = 2020, national_dir, CATALOGUE


def _write(cfg, config_file, year, folder, table, rates, out):
    """The district step's outlook: computed, then written into the work folder."""
    do.write(do.compute(cfg, config_file, year, folder, table, rates), year.national_dir, out)


@pytest.fixture
def national(tmp_path):
    """The national step's files for Harz and a few Kreise (as national_outlook writes them)."""
    nat = tmp_path / "national" / "2020"
    folder = nat / "kreise" / KREIS
    folder.mkdir(parents=True)
    kreise = [KREIS, *GROUP, "15002", "03156"]
    write_tidy(
        pd.DataFrame(
            {
                "kreis": kreise,
                "name": [f"Kreis {k}" for k in kreise],
                "land": [k[:2] for k in kreise],
                "land_name": [
                    "Sachsen-Anhalt" if k[:2] == "15" else "Thüringen" if k[:2] == "16" else "Niedersachsen" for k in kreise
                ],
                "im_berichtsjahr": [k != "03156" for k in kreise],  # Osterode am Harz: dissolved in 2016
            }
        ),
        nat / "kreise.csv",
    )
    values = pd.DataFrame(
        [
            (ind, k, "2020" if ind == "arbeitslosenquote" else "2019-12-31", v)
            for ind, base in (("arbeitslosenquote", 6.0), ("pflegequote", 60.0))
            for v, k in zip(base + np.arange(6), [KREIS, *GROUP, "15002", "03156"])
        ],
        columns=["indicator_id", "area_id", "period", "value"],
    ).assign(area_name="", area_level="kreis", unit="", flag="")
    write_tidy(values, nat / "vergleichswerte.csv")
    write_tidy(
        pd.DataFrame(
            {
                "rank": [1, 2, 3],
                "area_id": GROUP,
                "area_name": "",
                "land": [g[:2] for g in GROUP],
                "land_name": "",
                "distance": [0.9, 1.0, 1.1],
            }
        ),
        folder / "vergleichskreise.csv",
    )
    write_tidy(
        pd.DataFrame(
            {
                "indicator_id": IDS,
                "period": ["2020", "2019-12-31"],
                "value": [6.0, 60.0],
                "median": 1.0,
                "p25": 0.5,
                "p75": 2.0,
                "n": 3,
                "rank": 4,
                "position": "oberhalb",
            }
        ),
        folder / "vergleich.csv",
    )
    write_tidy(
        pd.DataFrame(
            {"area_id": [KREIS], "variant": ["mittel"], "year": [2020], "band": ["0 bis 2 Jahre (Krippe)"], "value": [4411.0]}
        ),
        folder / "bedarf_kinder.csv",
    )
    write_tidy(
        pd.DataFrame(
            {
                "area_id": [KREIS],
                "variant": ["mittel"],
                "year": [2019],
                "value": [13863.0],
                "unadjusted": [15602.6],
                "factor": [0.89],
            }
        ),
        folder / "bedarf_pflege.csv",
    )
    (nat / "pflegequoten.json").write_text(json.dumps({"quelle": {"statistik": "Pflegestatistik"}}), encoding="utf-8")
    return nat, folder


def read_table(path):
    """As report.data.DistrictData.table reads a planning table."""
    return pd.read_csv(
        path,
        dtype={"area_id": str, "period": str, "stand": str, "variant": str, "group": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )


def test_the_work_folder_gets_the_national_group_and_tables(tmp_path, national, district):
    nat, folder = national
    table, counts, _ = district
    out = tmp_path / "work"
    out.mkdir()
    (out / "indikatoren.csv").write_text("unverändert\n", encoding="utf-8")
    rates = do.SmallAreaRates(counts, OWN_TABLES, [{G1: SR}])
    _write({"id": "harz", "kreis": KREIS}, "config/districts/harz.yaml", Year(nat), folder, table, rates, out)
    assert (out / "indikatoren.csv").read_text(encoding="utf-8") == "unverändert\n"  # only files are added
    group = read_table(out / "vergleichskreise.csv")
    assert group["area_id"].tolist() == GROUP and (group["quelle"] == "berechnet").all()
    assert list(group.columns) == do.GROUP_COLUMNS
    assert read_table(out / "vergleich.csv").equals(read_table(folder / "vergleich.csv"))
    for name in ("bedarf_kinder.csv", "bedarf_pflege.csv", "pflegequoten.json"):
        source = folder / name if name.endswith(".csv") else nat / name
        assert (out / name).read_bytes() == source.read_bytes()
    intervals = read_table(out / "intervalle.csv")
    assert list(intervals.columns) == iv.INTERVAL_COLUMNS and len(intervals) == 6
    # the counts of 0 got their denominators from the catalogue's denominator on the district's table
    expected = iv.table_intervals(table, counts, CATALOGUE, KREIS, district[2])
    pd.testing.assert_frame_equal(intervals, expected.astype({"period": str}), check_dtype=False)


def test_the_districts_own_group(tmp_path, national, district):
    nat, folder = national
    table, counts, _ = district
    out = tmp_path / "work"
    out.mkdir()
    cfg = {"id": "harz", "kreis": KREIS, "vergleichskreise": ["15002", "16076"]}
    _write(cfg, "config/districts/harz.yaml", Year(nat), folder, table, do.SmallAreaRates(counts, OWN_TABLES, []), out)
    group = read_table(out / "vergleichskreise.csv")
    assert group["area_id"].tolist() == ["15002", "16076"] and (group["quelle"] == "Kreiskonfiguration").all()
    assert group["area_name"].tolist() == ["Kreis 15002", "Kreis 16076"] and (group["distance"] == "").all()  # no distance
    got = read_table(out / "vergleich.csv").set_index("indicator_id")
    # from the national values: Harz 6.0 / 60.0, 15002 10.0 / 64.0, 16076 7.0 / 61.0
    assert got.loc["arbeitslosenquote", ["value", "median", "n", "rank"]].tolist() == [6.0, 8.5, 2, 3]
    assert got.loc["pflegequote", "median"] == 62.5 and got.loc["pflegequote", "period"] == "2019-12-31"
    assert list(got.index) == IDS


@pytest.mark.parametrize(
    "members,text",
    [
        ([], "leer"),
        (["15085"], "eigenen Vergleichsgruppe"),
        (["15002", "15002"], "doppelt"),
        (["03156"], "unbekannte Kreisschlüssel"),
    ],
)
def test_a_wrong_own_group_names_the_district_file(tmp_path, national, district, members, text):
    nat, folder = national
    table, counts, _ = district
    cfg = {"id": "harz", "kreis": KREIS, "vergleichskreise": members}
    with pytest.raises(InputError) as err:
        _write(cfg, "config/districts/harz.yaml", Year(nat), folder, table, do.SmallAreaRates(counts, OWN_TABLES, []), tmp_path)
    assert text in str(err.value) and "config/districts/harz.yaml" in str(err.value) and "vergleichskreise" in str(err.value)


def test_the_childrens_demand_is_the_kreis_projection_in_integers(tmp_path, national, district):
    """With the Kreis's integer projection table the children are its planning groups: the report
    prints the same number in the projection table and in the demand table."""
    nat, folder = national
    table, counts, _ = district
    prognose = pd.DataFrame(
        [
            (variant, year, group, value + shift)
            for variant, shift in (("niedrig", -1), ("mittel", 0), ("hoch", 2))
            for year in (2020, 2035)
            for group, value in (("0 bis 2 Jahre (Krippe)", 40), ("3 bis 5 Jahre (Kita)", 51), ("insgesamt", 900))
        ],
        columns=["variant", "year", "group", "value"],
    )
    rates = do.SmallAreaRates(counts, OWN_TABLES, [])
    outlook = do.compute({"id": "harz", "kreis": KREIS}, "harz.yaml", Year(nat), folder, table, rates, prognose)
    kids = outlook.children.set_index(["variant", "year", "band"])["value"]
    assert kids[("mittel", 2035, "3 bis 5 Jahre (Kita)")] == 51 and kids[("hoch", 2020, "0 bis 2 Jahre (Krippe)")] == 42
    assert set(outlook.children["area_id"]) == {KREIS} and "insgesamt" not in set(outlook.children["band"])
