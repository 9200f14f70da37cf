"""Great Expectations suites and plausibility rules: the real national files pass; each kind of
bad data fails with a German message that names the file, the line, the area and what was expected;
a rule's severity comes from config/plausibility.yaml."""

import copy

import pandas as pd
import pytest
import yaml
from conftest import GENESIS, ROOT

from sozialbericht.core.errors import ValidationFailed
from sozialbericht.ingest.staging import stage_table
from sozialbericht.validate.suites import validate_tables

DATASETS = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
PLAUSIBILITY = yaml.safe_load((ROOT / "config" / "plausibility.yaml").read_text(encoding="utf-8"))["national"]
KREISE = ["15085", "15089", "03159"]


@pytest.fixture(scope="module")
def tables():
    return {
        "pflege": stage_table(DATASETS["pflege"], [GENESIS / "22411-02-03-4.csv"]),
        "arbeitslose": stage_table(DATASETS["arbeitslose"], [GENESIS / "13211-02-05-4.csv"]),
    }


def _validate(tables, plausibility=PLAUSIBILITY, year=2020, kreise=KREISE):
    specs = {name: DATASETS[name] for name in tables}
    return validate_tables(
        tables,
        specs,
        plausibility,
        year,
        kreise,
        files={
            "22411-02-03-4.csv": "data/raw/national/genesis/22411-02-03-4.csv",
            "13211-02-05-4.csv": "data/raw/national/genesis/13211-02-05-4.csv",
        },
    )


def _fails(tables, **kwargs) -> str:
    with pytest.raises(ValidationFailed) as err:
        _validate(tables, **kwargs)
    return str(err.value)


def _row(df, area, period, variable):
    return df.index[(df.area_id == area) & (df.period == period) & (df.variable == variable)][0]


def test_real_tables_pass(tables):
    summary = _validate(tables)
    assert summary["errors"] == []
    assert summary["suites"]["pflege"]["errors"] == 0 and summary["suites"]["arbeitslose_plausibilitaet"]["rows"] > 1000


def test_negative_count_names_file_line_area_and_expectation(tables):
    bad = dict(tables, pflege=tables["pflege"].copy())
    df = bad["pflege"]
    i = _row(df, "15085", "2019-12-31", df[df.variable.str.startswith("pflege_ambulant")].variable.iloc[0])
    df.loc[i, "value"] = -5
    msg = _fails(bad)
    assert "data/raw/national/genesis/22411-02-03-4.csv" in msg and f"Zeile {int(df.loc[i, 'row'])}" in msg
    assert "Gebiet 15085" in msg and "Anzahl ≥ 0" in msg and "−5" in msg


def test_part_larger_than_whole_is_an_error(tables):
    bad = dict(tables, arbeitslose=tables["arbeitslose"].copy())
    df = bad["arbeitslose"]
    whole = df.loc[_row(df, "15085", "2020", "arbeitslose"), "value"]
    df.loc[_row(df, "15085", "2020", "arbeitslose_u25"), "value"] = whole + 10
    msg = _fails(bad)
    assert "arbeitslose_u25 ≤ arbeitslose" in msg and "Gebiet 15085" in msg and "Stichtag 2020" in msg


def test_kreise_not_adding_up_to_their_land_is_an_error(tables):
    bad = dict(tables, arbeitslose=tables["arbeitslose"].copy())
    df = bad["arbeitslose"]
    df.loc[_row(df, "15", "2020", "arbeitslose"), "value"] += 5000
    msg = _fails(bad)
    assert "Summe der Kreise des Landes" in msg and "Gebiet 15 " in msg


def test_implausible_jump_is_an_error_and_its_severity_comes_from_the_config(tables):
    bad = dict(tables, arbeitslose=tables["arbeitslose"].copy())
    df = bad["arbeitslose"]
    df.loc[_row(df, "15085", "2020", "arbeitslose_langzeit"), "value"] *= 3.5
    df.loc[_row(df, "15", "2020", "arbeitslose_langzeit"), "value"] = df[
        (df.area_id.str.len() == 5)
        & (df.area_id.str[:2] == "15")
        & (df.period == "2020")
        & (df.variable == "arbeitslose_langzeit")
    ].value.sum()
    summary = _validate(bad)  # configured as `hinweis`: listed, not stopping
    assert any("arbeitslose_langzeit" in w and "15085" in w and "Faktor 3" in w for w in summary["warnings"])
    strict = copy.deepcopy(PLAUSIBILITY)
    for rule in strict["arbeitslose"]["veraenderung"]:
        rule["schwere"] = "fehler"
    assert "Veränderung gegenüber 2019" in _fails(bad, plausibility=strict)


def test_rate_out_of_range_is_an_error(tables):
    bad = dict(tables, arbeitslose=tables["arbeitslose"].copy())
    df = bad["arbeitslose"]
    df.loc[_row(df, "15085", "2020", "alq"), "value"] = 61.0
    msg = _fails(bad)
    assert "Merkmal „alq“" in msg and "zwischen 0 und 50" in msg


def test_duplicate_rows_are_an_error(tables):
    bad = dict(tables, pflege=pd.concat([tables["pflege"], tables["pflege"].iloc[[100]]], ignore_index=True))
    assert "keine doppelten Zeilen" in _fails(bad)


def test_unknown_flag_is_an_error(tables):
    bad = dict(tables, pflege=tables["pflege"].copy())
    bad["pflege"].loc[5, "flag"] = "?"
    assert "amtliches Zeichen" in _fails(bad)


def test_missing_kreis_is_named(tables):
    msg = _fails(tables, kreise=[*KREISE, "99999"])
    assert "Kreise fehlen" in msg and "99999" in msg


def test_missing_reference_date_of_a_kreis_is_an_error(tables):
    df = tables["arbeitslose"]
    bad = dict(tables, arbeitslose=df[~((df.area_id == "15085") & (df.period == "2018"))])
    msg = _fails(bad)
    assert "15085" in msg and "Stichtag 2018" in msg and "fehlen" in msg


def test_directory_without_the_gemeinden_of_a_kreis_is_an_error():
    """A Gemeindeverzeichnis of one reference date that lacks every Gemeinde of a Kreis would drop
    that year of the Kreis's series: an error naming the file and the Kreis; Kreis reforms between
    the directories (Göttingen 2016) are no gap."""
    from conftest import GVISYS

    from sozialbericht.core.territory import derive_changes
    from sozialbericht.validate.completeness import directory_coverage_rules

    spec = {**DATASETS["gemeindeverzeichnis"], "files": ["31122013_Auszug_GV.xlsx", "31122017_Auszug_GV.xlsx"]}
    directory = stage_table(spec, [GVISYS / f for f in spec["files"]])
    _, reforms = derive_changes(directory)
    assert directory_coverage_rules(directory, reforms) == []
    damaged = directory[~((directory["area_id"].str[:5] == "15085") & (directory["period"] == "2013-12-31"))]
    (rules,) = directory_coverage_rules(damaged, derive_changes(damaged)[1])
    assert list(rules["area_id"]) == ["15085"] and "31122013_Auszug_GV.xlsx" in rules["source"].item()
    assert not rules["ok"].any() and "Harz" in rules["area_name"].item()


def test_damaged_area_name_is_an_error(tables):
    """A name cell overwritten (a number, or another name in one row) would reach the report."""
    for name in ("0", "Harz, Landkreiz"):
        damaged = {k: v.copy() for k, v in tables.items()}
        alo = damaged["arbeitslose"]
        alo.loc[(alo.area_id == "15085") & (alo.period == "2020"), "area_name"] = name
        message = _fails(damaged)
        assert "13211-02-05-4.csv" in message and "Gebietsname" in message and "15085" in message
    assert "„Harz, Landkreis“" in message


def test_rule_suite_names_the_failing_row_and_gx_keeps_no_data():
    """A plausibility suite: GX sees only ``ok`` and ``schwere``, the message still names the
    area, the value and what was expected; after the run GX holds none of the suite's data (the
    Gemeinde directory's frames would otherwise pile up in the job's memory)."""
    import gc
    import weakref

    from sozialbericht.validate.expectations import RULE_CHECK_COLUMNS, Check, rule_expectations, run_checks
    from sozialbericht.validate.frames import RULE_COLUMNS

    frame = pd.DataFrame(
        {
            "regel": ["bereich", "bereich"],
            "area_id": ["15085", "15086"],
            "area_name": ["Harz", "Jerichower Land"],
            "period": ["2020-12-31", "2020-12-31"],
            "variable": ["pflegequote", "pflegequote"],
            "source": ["pflege.csv", "pflege.csv"],
            "row": [7, 8],
            "wert": [41.0, 1400.0],
            "grenze": [200.0, 200.0],
            "ok": [True, False],
            "schwere": ["fehler", "fehler"],
            "erwartet": ["einen Wert zwischen 0 und 200 (plausibler Bereich)"] * 2,
        }
    )[RULE_COLUMNS]
    alive = weakref.ref(frame)
    report = run_checks([Check("pflege_plausibilitaet", frame, rule_expectations(), columns=RULE_CHECK_COLUMNS)])
    assert report["suites"]["pflege_plausibilitaet"] == {"rows": 2, "expectations": 2, "errors": 1, "warnings": 0}
    message = " ".join(report["errors"])
    assert "Jerichower Land" in message and "1.400" in message and "zwischen 0 und 200" in message, message
    assert "Harz" not in message
    del frame
    gc.collect()
    assert alive() is None, "Great Expectations still holds the suite's data"


def _hierarchy_table(kreise: dict, land: float, period: str = "2020-12-31") -> pd.DataFrame:
    rows = [("15", "Sachsen-Anhalt", land, "")]
    rows += [
        (k, f"Kreis {k}", v if isinstance(v, float) else float("nan"), "" if isinstance(v, float) else v)
        for k, v in kreise.items()
    ]
    df = pd.DataFrame(rows, columns=["area_id", "area_name", "value", "flag"])
    return df.assign(period=period, variable="bevoelkerung", source="12411-0018.csv", row=range(1, len(df) + 1))


@pytest.mark.parametrize("marker", [".", "x", "/", "...", "-"])
def test_a_marker_in_place_of_a_kreis_is_unknown_not_zero(marker):
    """Every marker in place of a part: the sum rule checks only its bound, gives a hint, no error."""
    from sozialbericht.validate.rules import hierarchy_rules

    cfg = {"variablen": ["bevoelkerung"], "toleranz_prozent": 0.5, "toleranz_absolut": 2}
    earlier = _hierarchy_table({"15001": 70.0, "15002": 30.0}, 100.0, "2019-12-31")
    now = _hierarchy_table({"15001": 60.0, "15002": marker}, 100.0)
    frame = pd.concat(hierarchy_rules(pd.concat([earlier, now], ignore_index=True), cfg))
    errors = frame[(frame["schwere"] == "fehler") & ~frame["ok"]]
    hints = frame[(frame["schwere"] == "hinweis") & ~frame["ok"]]
    assert errors.empty and len(hints) == 1 and "15002" in hints["erwartet"].iloc[0]
    too_big = _hierarchy_table({"15001": 130.0, "15002": marker}, 100.0)
    frame = pd.concat(hierarchy_rules(pd.concat([earlier, too_big], ignore_index=True), cfg))
    assert len(frame[(frame["schwere"] == "fehler") & ~frame["ok"]]) == 1  # the known parts exceed the total


def test_a_complete_sum_that_differs_is_an_error_and_former_kreise_are_left_out():
    from sozialbericht.validate.rules import hierarchy_rules

    cfg = {"variablen": ["bevoelkerung"], "toleranz_prozent": 0.5, "toleranz_absolut": 2}
    df = _hierarchy_table({"15001": 60.0, "15002": 30.0, "15099": "-"}, 100.0)  # 15099: "-" in every year
    frame = pd.concat(hierarchy_rules(df, cfg))
    assert len(frame[(frame["schwere"] == "fehler") & ~frame["ok"]]) == 1
    assert frame[frame["schwere"] == "hinweis"].empty


@pytest.mark.parametrize("rule", ["summe", "teil"])
def test_sum_and_part_rules_skip_a_part_given_as_marker(rule):
    from sozialbericht.validate.rules import parts_rules, sum_rules

    df = pd.DataFrame(
        {
            "area_id": ["15001"] * 3,
            "area_name": ["Dessau"] * 3,
            "period": ["2020-12-31"] * 3,
            "variable": ["insgesamt", "maennlich", "weiblich"],
            "value": [100.0, float("nan"), 60.0],
            "flag": ["", ".", ""],
            "source": ["t.csv"] * 3,
            "row": [1, 2, 3],
        }
    )
    if rule == "summe":
        frames = sum_rules(df, {"total": "insgesamt", "parts": ["maennlich", "weiblich"]})
    else:
        frames = parts_rules(df, [{"teil": "maennlich", "ganzes": "insgesamt"}])
    assert all(f.empty or f["ok"].all() for f in frames)
