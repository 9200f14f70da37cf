"""The change summary between two published indicator tables (``compute.changes``): values changed
beyond the threshold, new and disappeared areas."""

import pandas as pd
import pytest
from conftest import ROOT

from sozialbericht.compute.changes import compare, read_indicators


def test_compare_finds_changes_above_threshold():
    old = read_indicators(ROOT / "tests/fixtures/indikatoren_alt.csv")
    new = old.copy()
    new.loc[new.index[0], "value"] = new["value"].iloc[0] * 1.05  # +5 %
    new.loc[new.index[1], "value"] = new["value"].iloc[1] * 1.001  # +0.1 %: below the threshold
    new = pd.concat([new.iloc[:-1], new.iloc[[0]].assign(area_id="15099", area_name="Neukreis")])
    changes = compare(old, new, threshold_percent=1.0)
    assert len(changes.changed) == 1 and changes.changed["change_percent"].iloc[0] == pytest.approx(5.0)
    assert changes.new_areas == ["Neukreis (15099)"] and len(changes.disappeared) == 1


def test_compare_with_nothing_changed_reports_nothing():
    old = read_indicators(ROOT / "tests/fixtures/indikatoren_alt.csv")
    changes = compare(old, old.assign(synthetic=False), threshold_percent=1.0)
    assert changes.empty and len(changes.changed) == 0
