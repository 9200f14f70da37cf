"""Provider and field are columns of the staged counselling tables (issue 23, item 4): a
provider's data are keyed by its Kennung, and no string a provider (or the district's aggregate
workbook) writes can make its cases count as another provider's or another field's."""

from __future__ import annotations

import types

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from sozialbericht.compute import indicators
from sozialbericht.core.config import _check_years_and_fields
from sozialbericht.core.errors import InputError
from sozialbericht.core.files import read_tidy, write_tidy
from sozialbericht.core.tidy import KEY_COLUMNS, TIDY_COLUMNS
from sozialbericht.ingest.counselling.tables import kennung_column, staged_tables
from sozialbericht.ingest.own_data import _check_providers_unique
from sozialbericht.ingest.templates import read_district_table

SPECS = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
CATALOGUE = yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8"))
FIELDS = yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8"))["beratungsfelder"]
G1, G2 = "150850040040", "150850055055"
# fields whose names are parts of one another, and Kennungen that are prefixes of one another or
# spell a field
TRICKY_FIELDS = ["Sucht", "Suchtberatung", "Beratung", "Schulden"]


def _provider(kennung: str, cases: list[tuple[str, str, int]], sites: list[tuple[str, str, float]] = ()) -> dict:
    """An accepted provider of 2020 as ``read_provider`` returns it: cases (ARS, field, count)
    and sites (ARS, field, VZÄ)."""
    faelle = pd.DataFrame(
        [{"zeile": i + 2, "wohnort_ars": a, "beratungsfeld": f, "anzahl": n, "mehrfach": 0} for i, (a, f, n) in enumerate(cases)],
        columns=["zeile", "wohnort_ars", "beratungsfeld", "anzahl", "mehrfach"],
    )
    stellen = pd.DataFrame(
        [{"zeile": i + 2, "standort_ars": a, "beratungsfeld": f, "vzae": v} for i, (a, f, v) in enumerate(sites)],
        columns=["zeile", "standort_ars", "beratungsfeld", "vzae"],
    )
    return {"kennung": kennung, "datei": f"{kennung}.xlsx", "jahr": 2020, "status": "ok", "faelle": faelle, "stellen": stellen}


def _count(name: str, numerator: dict) -> dict:
    return {
        "id": name,
        "level": "gemeinde",
        "method": "value",
        "unit": "Anzahl",
        "numerator": {"dataset": "beratung_faelle", **numerator},
    }


def _values(catalogue: list[dict], cases: pd.DataFrame) -> dict[tuple[str, str], float]:
    out = indicators.compute(catalogue, {"beratung_faelle": cases}, "gemeinde", {})
    return {(r.indicator_id, r.area_id): r.value for r in out.itertuples()}


PER_FIELD = [_count(f"feld_{i}", {"variable": "faelle", "where": {"beratungsfeld": f}}) for i, f in enumerate(TRICKY_FIELDS)]
PER_PROVIDER = [
    _count(f"traeger_{k}", {"variable": "faelle", "where": {"traeger": k}}) for k in ("a", "a-suchtberatung", "suchtberatung")
]
HONEST = [
    _provider("a", [(G1, "Sucht", 5), (G1, "Schulden", 7), (G2, "Beratung", 4)]),
    _provider("b", [(G1, "Suchtberatung", 11), (G2, "Sucht", 3)]),
]


def test_the_staged_tables_keep_provider_and_field_in_columns():
    tables = staged_tables([*HONEST, _provider("c", [], [(G1, "Sucht", 1.5)])], 2020, {G1: "Eins", G2: "Zwei"})
    for df in tables.values():
        assert list(df.columns) == [*TIDY_COLUMNS, *KEY_COLUMNS]
    cases = tables["beratung_faelle"]
    assert set(cases["variable"]) == {"faelle", "mehrfachproblematik"}
    assert cases[(cases["traeger"] == "b") & (cases["beratungsfeld"] == "Suchtberatung") & (cases["variable"] == "faelle")][
        "value"
    ].tolist() == [11.0]
    sites = tables["beratung_stellen"]
    assert sites[["variable", "traeger", "beratungsfeld", "value"]].values.tolist() == [["vzae", "c", "Sucht", 1.5]]


def test_a_provider_whose_kennung_and_fields_look_like_others_changes_no_other_indicator():
    """Kennung „a-suchtberatung“ beside „a“, Kennung „suchtberatung“ spelling a field, fields that
    are parts of others' names: every field's and every provider's count is exactly its own."""
    before = _values(PER_FIELD + PER_PROVIDER[:1], staged_tables(HONEST, 2020, {})["beratung_faelle"])
    mimics = [
        _provider("a-suchtberatung", [(G1, "Suchtberatung", 100), (G2, "Suchtberatung", 200)]),
        _provider("suchtberatung", [(G1, "Beratung", 1000)]),
    ]
    after = _values(PER_FIELD + PER_PROVIDER, staged_tables([*HONEST, *mimics], 2020, {})["beratung_faelle"])
    field = {f: f"feld_{i}" for i, f in enumerate(TRICKY_FIELDS)}
    # the fields the mimics deliver in grow by exactly their cases (Gemeinde and Kreis) ...
    assert after[(field["Suchtberatung"], G1)] == before[(field["Suchtberatung"], G1)] + 100 == 111
    assert after[(field["Suchtberatung"], G2)] == 200 and after[(field["Suchtberatung"], "15085")] == 311
    assert after[(field["Beratung"], G1)] == 1000 and after[(field["Beratung"], G2)] == before[(field["Beratung"], G2)] == 4
    # ... every other field's value is the same: "Sucht" is no part-match of "Suchtberatung", nor
    # "Beratung" of "Suchtberatung"
    for f in ("Sucht", "Schulden"):
        assert {k: v for k, v in after.items() if k[0] == field[f]} == {k: v for k, v in before.items() if k[0] == field[f]}
    # provider "a" keeps its own cases: "a-suchtberatung" and "suchtberatung" are other providers
    assert after[("traeger_a", G1)] == before[("traeger_a", G1)] == 12
    assert after[("traeger_a", "15085")] == before[("traeger_a", "15085")] == 16
    assert after[("traeger_a-suchtberatung", "15085")] == 300 and after[("traeger_suchtberatung", "15085")] == 1000


def test_a_name_in_the_aggregate_workbook_that_spells_a_field_counts_in_its_own_field_only(tmp_path):
    """The district's aggregate workbook names a provider „Suchtberatung“ that works in debt
    counselling: its cases count for Schuldnerberatung only (a match anywhere in a joined
    variable counted them as addiction counselling too), and the provider is keyed by its Kennung."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Faelle"
    ws.append(["traeger", "beratungsfeld", "wohnort_ars", "jahr", "faelle", "mehrfachproblematik"])
    ws.append(["Träger A", "Suchtberatung", G1, 2020, 12, 3])
    ws.append(["Suchtberatung", "Schuldnerberatung", G1, 2020, 40, 5])
    ws.append(["Erziehungsberatung", "Schuldnerberatung", G2, 2020, 8, 1])
    wb.save(tmp_path / "beratung.xlsx")
    cases = kennung_column(read_district_table(tmp_path / "beratung.xlsx", "beratung_faelle", SPECS["beratung_faelle"]))
    assert set(cases["variable"]) == {"faelle", "mehrfachproblematik"}
    assert sorted(set(cases["traeger"])) == ["erziehungsberatung", "suchtberatung", "traeger-a"]
    counted = {
        ind["id"]: ind
        for ind in CATALOGUE
        if ind.get("numerator", {}).get("dataset") == "beratung_faelle" and ind["numerator"]["variable"] == "faelle"
    }
    per_field = {ind["numerator"]["where"]["beratungsfeld"]: i for i, ind in counted.items() if "where" in ind["numerator"]}
    assert set(per_field) == set(FIELDS)  # every field has its indicator, selected by its column
    delivered = [
        i
        for i, ind in counted.items()
        if ind["numerator"].get("where", {}).get("beratungsfeld") in (None, *cases["beratungsfeld"])
    ]
    values = _values([_count(i, counted[i]["numerator"]) for i in delivered], cases)
    assert values[(per_field["Suchtberatung"], G1)] == 12
    assert (per_field["Suchtberatung"], G2) not in values
    assert values[(per_field["Schuldnerberatung"], G1)] == 40 and values[(per_field["Schuldnerberatung"], G2)] == 8
    assert per_field["Erziehungsberatung"] not in delivered  # a provider's name is no field
    assert values[("kl_beratung_faelle", "15085")] == 60


def test_the_aggregate_workbook_may_not_repeat_a_provider_of_the_standard_by_its_name():
    standard = staged_tables([_provider("traeger-a", [(G1, "Sucht", 5)])], 2020, {})["beratung_faelle"]
    aggregate = standard.assign(traeger="Träger A", source="beratung_faelle (beratung.xlsx)")
    with pytest.raises(InputError, match="Träger doppelt geliefert") as err:
        _check_providers_unique(kennung_column(aggregate), standard, ROOT / "beratung.xlsx")
    assert "traeger-a" in str(err.value)
    other = kennung_column(aggregate.assign(traeger="Träger A – Suchtberatung"))
    assert _check_providers_unique(other, standard, ROOT / "beratung.xlsx") is other


def test_contains_matches_a_label_at_its_own_position_only():
    df = pd.DataFrame(
        {
            "area_id": [G1] * 4,
            "period": ["2020"] * 4,
            "variable": [
                "anzahl | männlich | nichtdeutsch",
                "anzahl | weiblich | deutsch",
                "nichtdeutsch",  # a measure spelled like the label is no match
                "anzahl | weiblich | nichtdeutsch",
            ],
            "value": [1.0, 2.0, 40.0, 8.0],
            "flag": [""] * 4,
            "unit": ["Anzahl"] * 4,
        }
    )
    sel = indicators._select(df, {"dataset": "x", "variable": "anzahl", "contains": ["nichtdeutsch"]}, "t")
    assert sel["value"].tolist() == [1.0, 8.0]
    assert indicators._select(df, {"dataset": "x", "contains": ["nichtdeutsch"]}, "t")["value"].tolist() == [1.0, 8.0]
    two_places = df.assign(variable=["anzahl | a | b", "anzahl | b | a", "anzahl | a | a", "anzahl | c | c"])
    with pytest.raises(InputError, match="an mehreren Stellen"):
        indicators._select(two_places, {"dataset": "x", "variable": "anzahl", "contains": ["a"]}, "t")


def test_a_key_column_the_dataset_lacks_is_a_configuration_error():
    df = staged_tables(HONEST, 2020, {})["beratung_faelle"].drop(columns="beratungsfeld")
    with pytest.raises(InputError, match="keine Spalte „beratungsfeld“"):
        indicators._select(df, {"dataset": "beratung_faelle", "variable": "faelle", "where": {"beratungsfeld": "Sucht"}}, "t")


def test_an_indicator_naming_a_field_the_standard_lacks_is_refused():
    config = {"year": 2020, "projection": {"target_year": 2035}, "indicators": "config/indicators.yaml"}
    config["beratung"] = {"standard": "config/beratung.yaml"}
    catalogue = [_count("x", {"variable": "faelle", "where": {"beratungsfeld": "Suchtberatung "}})]
    project = types.SimpleNamespace(config=config, counselling={"beratungsfelder": FIELDS}, catalogue=catalogue)
    with pytest.raises(InputError, match="Beratungsfeld, das der Datenstandard nicht kennt"):
        _check_years_and_fields(project)
    project.catalogue = [_count("x", {"variable": "faelle", "where": {"beratungsfeld": "Suchtberatung"}})]
    _check_years_and_fields(project)


def test_a_kennung_of_digits_stays_text_through_the_staged_file(tmp_path):
    df = staged_tables([_provider("007", [(G1, "Sucht", 5)])], 2020, {})["beratung_faelle"]
    write_tidy(df, tmp_path / "beratung_faelle.csv")
    back = read_tidy(tmp_path / "beratung_faelle.csv")
    assert back["traeger"].tolist() == ["007", "007"] and back["area_id"].iloc[0] == G1


def test_the_district_suite_checks_the_kennung_and_the_field():
    """A staged counselling row with a provider that is no Kennung or a field the standard does not
    know stops the district's data, naming the row, the provider and the field."""
    from sozialbericht.validate.expectations import run_checks
    from sozialbericht.validate.suites import district_checks

    cases = staged_tables(HONEST, 2020, {G1: "Eins", G2: "Zwei"})["beratung_faelle"]
    cases.loc[0, "traeger"] = "Träger A"
    cases.loc[2, "beratungsfeld"] = "Sucht | Schulden"
    multi = (cases["traeger"] == "b") & (cases["beratungsfeld"] == "Suchtberatung") & (cases["variable"] == "mehrfachproblematik")
    cases.loc[multi, "value"] = 20.0  # more multi-problem cases than cases (11)
    report = run_checks(district_checks({"beratung_faelle": cases}, SPECS, {}, [G1, G2], 2020, "harz", {}, TRICKY_FIELDS))
    text = "\n".join(report["errors"])
    assert "Spalte Träger: gefunden 'Träger A'" in text and "Kennung des Trägers" in text, text
    assert "Spalte Beratungsfeld: gefunden 'Sucht | Schulden'" in text and "eines der Beratungsfelder" in text, text
    # a rule per provider and field names both
    assert "Merkmal „mehrfachproblematik ≤ faelle“, Träger „b“, Beratungsfeld „Suchtberatung“: gefunden 20" in text, text
    clean = staged_tables(HONEST, 2020, {G1: "Eins", G2: "Zwei"})["beratung_faelle"]
    assert not run_checks(district_checks({"beratung_faelle": clean}, SPECS, {}, [G1, G2], 2020, "harz", {}, TRICKY_FIELDS))[
        "errors"
    ]
