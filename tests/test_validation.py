"""Great Expectations suites: real data passes; each kind of bad data fails with a readable message."""

import pandas as pd
import pytest

from conftest import GENESIS
from sozialbericht.errors import ValidationFailed
from sozialbericht.io import read_genesis_csv
from sozialbericht.validation import Requirement, validate_tables

SPEC = {"pflege": {"coverage": "up_to_report_year", "rename": {},
                   "sums": [{"total": "Pflegebedürftige | Insgesamt",
                             "parts": ["Pflegebedürftige | männlich", "Pflegebedürftige | weiblich"]}]}}
HARZ = [Requirement("15085", 2020, "harz")]


@pytest.fixture(scope="module")
def care():
    return read_genesis_csv(GENESIS / "22411-02-03-4.csv")


def _fails(df, requirements=HARZ):
    with pytest.raises(ValidationFailed) as err:
        validate_tables({"pflege": df}, SPEC, requirements)
    return str(err.value)


def test_real_table_passes(care):
    summary = validate_tables({"pflege": care}, SPEC, HARZ)
    assert summary["suites"]["pflege"]["errors"] == 0 and summary["suites"]["pflege_sums"]["rows"] > 1000
    assert summary["errors"] == []
    # the care statistics are biennial: for the report year 2020 the 2019 data are used, with a warning
    assert any("15085" in w and "2020" in w for w in summary["warnings"])


def test_negative_count_names_file_line_area_and_expectation(care):
    bad = care.copy()
    i = bad.index[(bad.area_id == "15085") & (bad.period == "2019-12-31") & (bad.variable == "ambulante Pflege | Insgesamt")][0]
    bad.loc[i, "value"] = -5
    msg = _fails(bad)
    assert "22411-02-03-4.csv" in msg and "line 1448" in msg and "15085" in msg and "-5" in msg and "count ≥ 0" in msg


def test_sum_mismatch_is_reported(care):
    bad = care.copy()
    i = bad.index[(bad.area_id == "15085") & (bad.period == "2019-12-31") & (bad.variable == "Pflegebedürftige | männlich")][0]
    bad.loc[i, "value"] += 7
    msg = _fails(bad)
    assert "sum of its parts" in msg and "15085" in msg


def test_duplicate_rows_are_reported(care):
    bad = pd.concat([care, care.iloc[[100]]], ignore_index=True)
    assert "no duplicate rows" in _fails(bad)


def test_unknown_flag_is_reported(care):
    bad = care.copy()
    bad.loc[5, "flag"] = "?"
    assert "official marker" in _fails(bad)


def test_district_missing_from_data_is_reported(care):
    msg = _fails(care, [Requirement("99999", 2020, "nirgendwo")])
    assert "99999" in msg and "nirgendwo" in msg
