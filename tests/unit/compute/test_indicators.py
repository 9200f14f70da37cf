"""Indicators checked against hand-computed values from the raw files."""

import pandas as pd
import pytest
from conftest import GENESIS

from sozialbericht.compute import indicators
from sozialbericht.core import ages
from sozialbericht.core.errors import InputError
from sozialbericht.ingest.genesis import read_genesis_csv

POP = {"dataset": "bevoelkerung_alter", "age": [0, None]}


@pytest.fixture(scope="module")
def tables():
    return {
        "bevoelkerung_alter": read_genesis_csv(GENESIS / "12411-0018.csv"),
        "arbeitslose": read_genesis_csv(GENESIS / "13211-02-05-4.csv").replace(
            {
                "variable": {
                    "Arbeitslose": "arbeitslose",
                    "Arbeitslose | langzeitarbeitslos": "arbeitslose_langzeit",
                    "Arbeitslosenquote bez. auf alle zivile Erwerbsp.": "alq",
                }
            }
        ),
    }


def _harz_2020(tables, lo, hi):
    df = ages.age_groups(tables["bevoelkerung_alter"])
    df = df[(df.area_id == "15085") & (df.period == "2020-12-31")]
    upper = df.age_to.fillna(999)
    return df[(df.age_from >= lo) & (upper <= (hi or 999))].value.sum()


@pytest.mark.parametrize(
    "label,bounds", [("unter 3 Jahre", (0, 3)), ("3 bis unter 6 Jahre", (3, 6)), ("75 Jahre und mehr", (75, None))]
)
def test_age_bounds(label, bounds):
    assert ages.age_bounds(label) == bounds


def test_altenquotient_matches_hand_computation(tables):
    ind = {
        "id": "altenquotient",
        "method": "ratio",
        "unit": "je 100",
        "scale": 100,
        "numerator": {"dataset": "bevoelkerung_alter", "age": [65, None]},
        "denominator": {"dataset": "bevoelkerung_alter", "age": [20, 65]},
    }
    out = indicators.compute_indicator(ind, tables)
    got = out[(out.area_id == "15085") & (out.period == "2020-12-31")].value.item()
    expected = _harz_2020(tables, 65, None) / _harz_2020(tables, 20, 65) * 100
    assert got == pytest.approx(expected)
    assert round(got, 1) == 52.7


def test_land_and_germany_aggregated_from_kreise(tables):
    out = indicators.compute_indicator({"id": "bevoelkerung", "method": "value", "unit": "Anzahl", "numerator": POP}, tables)
    land = out[(out.area_id == "15") & (out.period == "2020-12-31")].value.item()
    kreise = out[(out.area_id.str.len() == 5) & (out.area_id.str[:2] == "15") & (out.period == "2020-12-31")].value.sum()
    assert land == kreise == 2_180_684
    assert out[(out.area_id == "DG") & (out.period == "2020-12-31")].value.item() == 83_155_031


def test_population_change_2015_2020(tables):
    out = indicators.compute_indicator({"id": "ch", "method": "change", "unit": "%", "numerator": POP}, tables, base_year=2015)
    harz = out[out.area_id == "15085"].set_index("period").value
    assert harz["2015-12-31"] == 0
    base = tables["bevoelkerung_alter"]
    base = base[(base.area_id == "15085") & (base.period == "2015-12-31")].value.sum()
    assert harz["2020-12-31"] == pytest.approx((210_975 - base) / base * 100)


def test_long_term_share_and_marker_propagation(tables):
    ind = {
        "id": "lzq",
        "method": "ratio",
        "unit": "%",
        "scale": 100,
        "numerator": {"dataset": "arbeitslose", "variable": "arbeitslose_langzeit"},
        "denominator": {"dataset": "arbeitslose", "variable": "arbeitslose"},
    }
    out = indicators.compute_indicator(ind, tables).set_index(["area_id", "period"])
    assert out.loc[("15085", "2020"), "value"] == pytest.approx(1691 / 6420 * 100)
    dissolved = out.loc[("03156", "2020")]  # Osterode am Harz: '-' in the source
    assert pd.isna(dissolved.value) and dissolved.flag == "-"


def test_age_interval_not_matching_source_groups_is_an_error(tables):
    ind = {"id": "u18", "method": "value", "unit": "Anzahl", "numerator": {"dataset": "bevoelkerung_alter", "age": [0, 16]}}
    with pytest.raises(InputError, match="age groups"):
        indicators.compute_indicator(ind, tables)
