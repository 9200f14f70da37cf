"""The outlook in the published indicator table: intervals and flags on the small-area rows, the
Kreis's position in its comparison group, the group's median and quartiles, the demand rows."""

import numpy as np
import pandas as pd

from sozialbericht.compute import outlook_export as oe
from sozialbericht.compute.district_outlook import Outlook

KREIS, G1, G2 = "15085", "150850040040", "150850055055"
CATALOGUE = [
    {"id": "arbeitslosenquote", "unit": "%"},
    {"id": "kl_kinderarmut", "unit": "%"},
    {"id": "kinder_kitaalter", "unit": "Anzahl"},
    {"id": "pflegebeduerftige_erwartet", "unit": "Anzahl"},
]


def _result() -> pd.DataFrame:
    rows = [
        ("arbeitslosenquote", KREIS, "Landkreis Harz", "kreis", "2020", 6.1),
        ("kl_kinderarmut", KREIS, "Landkreis Harz", "kreis", "2020-12-31", 20.0),
        ("kl_kinderarmut", G1, "Ballenstedt", "gemeinde", "2020-12-31", 30.0),
        ("kl_kinderarmut", G2, "Blankenburg", "gemeinde", "2020-12-31", 21.0),
    ]
    df = pd.DataFrame(rows, columns=["indicator_id", "area_id", "area_name", "area_level", "period", "value"])
    return df.assign(unit="%", flag="")


def _outlook() -> Outlook:
    intervals = pd.DataFrame(
        [("kl_kinderarmut", G1, "2020-12-31", 25.0, 35.0, "höher"), ("kl_kinderarmut", G2, "2020-12-31", 17.0, 25.0, "ähnlich")],
        columns=["indicator_id", "area_id", "period", "lower", "upper", "flag"],
    )
    comparison = pd.DataFrame(
        [("arbeitslosenquote", "2020", 6.1, 6.55, 5.675, 6.975, 10, 8, "innerhalb")],
        columns=["indicator_id", "period", "value", "median", "p25", "p75", "n", "rank", "position"],
    )
    children = pd.DataFrame(
        [
            (KREIS, v, y, "3 bis 5 Jahre (Kita)", value)
            for v, shift in (("niedrig", -10), ("mittel", 0), ("hoch", 12))
            for y, value in ((2020, 100.0), (2021, 90.0 + shift))
        ],
        columns=["area_id", "variant", "year", "band", "value"],
    )
    care = pd.DataFrame(
        [
            (KREIS, v, y, value + (shift if y > 2019 else 0))
            for v, shift in (("niedrig", -5), ("mittel", 0), ("hoch", 7))
            for y, value in ((2019, 500.0), (2025, 540.0))
        ],
        columns=["area_id", "variant", "year", "value"],
    )
    return Outlook(group=None, comparison=comparison, intervals=intervals, children=children, care=care)


def test_intervals_flags_group_and_demand_in_the_table():
    gemeinden = pd.DataFrame(
        [(G1, 2020, "3 bis 5 Jahre (Kita)", 40), (G1, 2021, "3 bis 5 Jahre (Kita)", 35), (G1, 2021, "insgesamt", 900)],
        columns=["area_id", "year", "group", "value"],
    )
    out = oe.extend(_result(), _outlook(), CATALOGUE, KREIS, gemeinden)
    row = {(r.indicator_id, r.area_id, r.period): r for r in out.itertuples()}
    g1 = row["kl_kinderarmut", G1, "2020-12-31"]
    assert (g1.lower, g1.upper, g1.comparison) == (25.0, 35.0, "höher")
    assert row["kl_kinderarmut", G2, "2020-12-31"].comparison == "ähnlich"
    assert row["kl_kinderarmut", KREIS, "2020-12-31"].comparison == "" and np.isnan(
        row["kl_kinderarmut", KREIS, "2020-12-31"].lower
    )
    assert row["arbeitslosenquote", KREIS, "2020"].comparison == "ähnlich"  # inside the group's interquartile range
    group = row["arbeitslosenquote", "VK15085", "2020"]
    assert (group.value, group.lower, group.upper, group.area_level) == (6.55, 5.675, 6.975, "vergleichskreise")
    kita = row["kinder_kitaalter", KREIS, "2021"]
    assert (kita.value, kita.lower, kita.upper, kita.area_level, kita.unit) == (90.0, 80.0, 102.0, "kreis", "Anzahl")
    assert row["kinder_kitaalter", KREIS, "2020"].lower == row["kinder_kitaalter", KREIS, "2020"].upper == 100.0
    care = row["pflegebeduerftige_erwartet", KREIS, "2025"]
    assert (care.value, care.lower, care.upper) == (540.0, 535.0, 547.0)
    assert row["pflegebeduerftige_erwartet", KREIS, "2019"].value == 500.0
    gem = row["kinder_kitaalter", G1, "2021"]  # the target year of the Gemeinde projection (no range)
    assert gem.value == 35 and gem.area_name == "Ballenstedt" and np.isnan(gem.upper)
    assert not any(r.indicator_id == "kinder_kitaalter" and r.value == 900 for r in out.itertuples())
    assert list(out["indicator_id"].drop_duplicates()) == [c["id"] for c in CATALOGUE]  # the catalogue's order


def test_a_table_with_extra_columns_gets_the_rows_too():
    """A Kreis without own data: its table still has the rates' numerators (empty) when the outlook joins."""
    out = oe.extend(_result().assign(numerator=np.nan), _outlook(), CATALOGUE, KREIS, None)
    assert "numerator" in out.columns and (out["area_id"] == "VK15085").sum() == 1


def test_without_comparison_or_demand_only_the_columns_join():
    outlook = Outlook(group=None, comparison=None, intervals=_outlook().intervals.iloc[0:0], children=None, care=None)
    out = oe.extend(_result(), outlook, CATALOGUE, KREIS, None)
    assert len(out) == len(_result()) and set(oe.COLUMNS) <= set(out.columns)
    assert (out["comparison"] == "").all() and out["lower"].isna().all()
