"""Configuration checks and German number formatting."""

import copy

import pytest
import yaml
from conftest import ROOT

from sozialbericht.core import formatting as fmt
from sozialbericht.core.config import load_project
from sozialbericht.core.errors import InputError


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


def test_shipped_configuration_is_valid(config, monkeypatch):
    monkeypatch.chdir(ROOT)
    project = load_project(config)
    assert project.districts["harz"]["kreis"] == "15085"
    assert {i["id"] for i in project.catalogue} >= {
        "jugendquotient",
        "altenquotient",
        "anteil_65plus",
        "anteil_75plus",
        "arbeitslosenquote",
        "anteil_langzeitarbeitslose",
        "pflegequote",
    }


@pytest.mark.parametrize(
    "key,value,expected",
    [
        ("districts", ["../etc"], "Schlüssel 'districts.0'"),
        ("districts", ["harz; rm -rf /"], "Schlüssel 'districts.0'"),
        ("year", 99999, "Schlüssel 'year'"),
        ("render", {"engine": "word", "formats": ["html"]}, "Schlüssel 'render.engine'"),
    ],
)
def test_invalid_values_name_the_key(config, monkeypatch, key, value, expected):
    monkeypatch.chdir(ROOT)
    bad = copy.deepcopy(config)
    bad[key] = value
    with pytest.raises(InputError) as err:
        load_project(bad)
    assert expected in str(err.value) and "config/config.yaml" in str(err.value)


@pytest.mark.parametrize(
    "value,decimals,text",
    [(210975, 0, "210.975"), (6.1, 1, "6,1"), (-4.694, 1, "\u22124,7"), (83155031, 0, "83.155.031"), (0.04, 1, "0,0")],
)
def test_german_numbers(value, decimals, text):
    assert fmt.number(value, decimals) == text


def test_units_markers_and_dates():
    assert fmt.with_unit(6.1, "%", 1) == "6,1\u00a0%"
    assert fmt.with_unit(float("nan"), "%", 1, ".") == "."
    assert fmt.signed(1.19) == "+1,2"
    assert fmt.date("2020-12-31") == "31.12.2020"


@pytest.mark.parametrize(
    "value,text",
    [(1.49, "+1,5"), (-4.694, "\u22124,7"), (0.04, "0,0"), (-0.04, "0,0"), (float("nan"), "."), (1234.5, "+1.234,5")],
)
def test_changes_and_balances_carry_their_sign(value, text):
    """A change or a balance (methods change, balance, diff_pct) is shown with its sign; zero without."""
    assert fmt.number(value, 1, sign=True) == text
    assert fmt.with_unit(value, "%", 1, sign=True) == (text if text == "." else f"{text}\u00a0%")


def test_data_readme_lists_the_checksum_of_every_raw_file():
    """data/raw/README.md documents each embedded file; a replaced file must be documented anew."""
    import hashlib

    readme = (ROOT / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    files = sorted(p for p in (ROOT / "data" / "raw" / "national").rglob("*") if p.is_file())
    assert len(files) == 25
    participation = sorted((ROOT / "data" / "raw" / "harz" / "beteiligung").glob("*.xlsx"))
    assert len(participation) == 5  # the example's synthetic weighting workbooks
    for f in files + participation:
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        assert f"{digest}  {f.relative_to(ROOT / 'data' / 'raw').as_posix()}" in readme, f.name
