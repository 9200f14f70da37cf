"""The corpus of bad inputs: each must be rejected with a message that names the file, the place
and what was expected; and the variants real files legitimately come in must be accepted.

Reader-level cases run the reader on a damaged copy of a real file; data-level cases run the
Great Expectations suites on the staged table; config cases run the config checks.
"""

from __future__ import annotations

import copy
import re
import shutil

import openpyxl
import pandas as pd
import pytest
import yaml

from conftest import GENESIS, GEO, GVISYS, ROOT
from sozialbericht.config import check_district_keys, load_project
from sozialbericht.errors import InputError, ValidationFailed
from sozialbericht.io import read_district_table, read_genesis_csv, read_genesis_ffcsv, read_gvisys, read_vg5000
from sozialbericht.validation import Requirement, district_checks, run_checks, validate_tables

HARZ_DATA = ROOT / "data" / "raw" / "harz"
SPECS = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
ALQ = GENESIS / "13211-02-05-4.csv"
CARE = GENESIS / "22411-02-03-4.csv"


def _bytes_case(tmp_path, src, name, mutate):
    path = tmp_path / name
    path.write_bytes(mutate(src.read_bytes()))
    return path


def _text_case(tmp_path, src, name, mutate, encoding="latin-1"):
    return _bytes_case(tmp_path, src, name, lambda b: mutate(b.decode(encoding)).encode(encoding))


# --- 1. GENESIS "Tabelle als CSV": reader errors ------------------------------------------------
GENESIS_CASES = {
    "truncated_download": (lambda t: t[: len(t) // 3], ["truncated", "footer"]),
    "truncated_mid_row": (lambda t: t[:100_000], ["truncated"]),
    "header_block_changed": (lambda t: t.replace("GENESIS-Tabelle: 13211-02-05-4", "Tabelle 13211"), ["not a GENESIS", "Zeile 1"]),
    "column_headers_missing": (lambda t: "\n".join(line for line in t.split("\n") if not line.startswith(";;;")),
                               ["no column header rows"]),
    "row_missing_a_field": (lambda t: t.replace("2020;15085;      Harz, Landkreis;6420;286;", "2020;15085;      Harz, Landkreis;6420;"),
                            ["line 489", "fields, expected 16"]),
    "non_numeric_count": (lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;sechstausend;"),
                          ["line 489", "15085", "'sechstausend'", "neither a number nor an official marker"]),
    "unknown_marker": (lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;#;"), ["line 489", "'#'"]),
    "invalid_area_key": (lambda t: t.replace("2020;15085;", "2020;15O85;"), ["invalid area key", "15O85"]),
    "invalid_date": (lambda t: t.replace("31.12.2019;15085;", "31.12.2019;15085;").replace("2020;15085;", "2O20;15085;"),
                     ["invalid reference date", "line 489", "2O20"]),
    "thousands_separator": (lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;6.420;"), ["'6.420'"]),
}


@pytest.mark.parametrize("case", sorted(GENESIS_CASES))
def test_genesis_csv_rejected(tmp_path, case):
    mutate, expected = GENESIS_CASES[case]
    path = _text_case(tmp_path, ALQ, f"{case}.csv", mutate)
    with pytest.raises(InputError) as err:
        read_genesis_csv(path)
    message = str(err.value)
    assert f"{case}.csv" in message
    for part in expected:
        assert part in message, (part, message)


@pytest.mark.parametrize("case,content,expected", [
    ("empty", b"", "file is empty"),
    ("only_blank_lines", b"\n\n\r\n", "file is empty"),
    ("binary_png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("utf16", "GENESIS-Tabelle: 13211".encode("utf-16"), "binary"),
])
def test_empty_binary_and_wrongly_encoded_files_rejected(tmp_path, case, content, expected):
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected) as err:
        read_genesis_csv(path)
    assert f"{case}.csv" in str(err.value)


# --- 2. GENESIS data that parse but are wrong: Great Expectations errors ------------------------
def _validate_care(df):
    spec = {"pflege": {"coverage": "up_to_report_year", "sums": [{"total": "Pflegebedürftige | Insgesamt",
                                                                  "parts": ["Pflegebedürftige | männlich", "Pflegebedürftige | weiblich"]}]}}
    with pytest.raises(ValidationFailed) as err:
        validate_tables({"pflege": df}, spec, [Requirement("15085", 2020, "harz")])
    return str(err.value)


def _validate_alq(df, year=2020):
    with pytest.raises(ValidationFailed) as err:
        validate_tables({"arbeitslose": df}, {"arbeitslose": {"coverage": "report_year"}}, [Requirement("15085", year, "harz")])
    return str(err.value)


@pytest.fixture(scope="module")
def alq():
    return read_genesis_csv(ALQ)


@pytest.fixture(scope="module")
def care():
    return read_genesis_csv(CARE)


def _harz(df, period, variable):
    return df.index[(df.area_id == "15085") & (df.period == period) & (df.variable == variable)][0]


def test_negative_count_rejected(alq):
    bad = alq.copy()
    bad.loc[_harz(bad, "2020", "Arbeitslose"), "value"] = -6420
    msg = _validate_alq(bad)
    assert "13211-02-05-4.csv): line 489, area 15085" in msg and "count ≥ 0" in msg and "-6420" in msg


def test_rate_out_of_range_rejected(alq):
    bad = alq.copy()
    bad.loc[_harz(bad, "2020", "Arbeitslosenquote bez. auf alle zivile Erwerbsp."), "value"] = 161.0
    msg = _validate_alq(bad)
    assert "line 489" in msg and "percentage between 0 and 100" in msg and "161" in msg


def test_duplicate_key_rejected(alq):
    msg = _validate_alq(pd.concat([alq, alq[alq.area_id == "15085"].head(1)], ignore_index=True))
    assert "no duplicate rows" in msg and "15085" in msg


def test_district_missing_rejected(alq):
    msg = _validate_alq(alq[alq.area_id != "15085"])
    assert "Kreis 15085" in msg and "district 'harz'" in msg


def test_report_year_missing_rejected(alq):
    msg = _validate_alq(alq, year=2021)
    assert "Kreis 15085" in msg and "2021" in msg


def test_inconsistent_sums_rejected(care):
    bad = care.copy()
    bad.loc[_harz(bad, "2019-12-31", "Pflegebedürftige | weiblich"), "value"] += 100
    msg = _validate_care(bad)
    assert "sum of its parts" in msg and "15085" in msg and "22411-02-03-4.csv" in msg


def test_unknown_flag_rejected(care):
    bad = care.copy()
    bad.loc[_harz(bad, "2019-12-31", "Pflegebedürftige | weiblich"), "flag"] = "e"
    assert "official marker" in _validate_care(bad)


# --- 3. flat files, GV-ISys, shapefiles -------------------------------------------------------
def test_ffcsv_changed_header_rejected(tmp_path):
    path = _text_case(tmp_path, GENESIS / "12411-01-01-4_flat.csv", "flat.csv",
                      lambda t: t.replace("value_variable_label", "merkmal"), encoding="utf-8-sig")
    with pytest.raises(InputError, match="required columns missing") as err:
        read_genesis_ffcsv(path)
    assert "value_variable_label" in str(err.value)


def test_ffcsv_non_numeric_value_rejected(tmp_path):
    path = _text_case(tmp_path, GENESIS / "12411-01-01-4_flat.csv", "flat.csv",
                      lambda t: t.replace(";205484;", ";205 484;"), encoding="utf-8-sig")
    with pytest.raises(InputError, match="line") as err:
        read_genesis_ffcsv(path)
    assert "'205 484'" in str(err.value)


def test_broken_xlsx_rejected(tmp_path):
    path = _bytes_case(tmp_path, GVISYS / "31122019_Auszug_GV.xlsx", "31122019_Auszug_GV.xlsx", lambda b: b[:-5000])
    with pytest.raises(InputError, match="cannot open the workbook") as err:
        read_gvisys(path)
    assert "31122019_Auszug_GV.xlsx" in str(err.value)


def _mini_directory(path, header_land="Land", sheets=2):
    wb = openpyxl.Workbook()
    wb.active.title = "Inhalt"
    if sheets == 2:
        ws = wb.create_sheet("Gemeindedaten")
        ws.append(["Gemeinden in Deutschland am 31.12.2019"])
        ws.append([])
        ws.append(["Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)", None, None, None, None, "Gemeindename",
                   "Fläche km2", "Bevölkerung"])
        ws.append([None, None, header_land, "RB", "Kreis", "VB", "Gem", None, None, "insgesamt", "männlich", "weiblich"])
        ws.append([None, None, "Gebietsstand am 31.12.2019"])
        ws.append(["60", "63", "15", "0", "85", "0040", "040", "Ballenstedt, Stadt", 86.65, 9000, 4400, 4600, 104])
    wb.save(path)
    return path


def test_gvisys_changed_layout_rejected(tmp_path):
    with pytest.raises(InputError, match="column layout has changed"):
        read_gvisys(_mini_directory(tmp_path / "31122019_Auszug_GV.xlsx", header_land="Bundesland"))


def test_gvisys_without_data_sheet_rejected(tmp_path):
    with pytest.raises(InputError, match="no data sheet"):
        read_gvisys(_mini_directory(tmp_path / "31122019_Auszug_GV.xlsx", sheets=1))


def _shapefile_copy(tmp_path):
    for f in GEO.glob("VG5000_KRS.*"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "VG5000_KRS.shp"


def test_shapefile_part_missing_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(InputError, match=r"VG5000_KRS\.dbf.*missing"):
        read_vg5000(shp)


def test_shapefile_damaged_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.write_bytes(shp.read_bytes()[:50_000])
    with pytest.raises(InputError, match="VG5000_KRS"):
        read_vg5000(shp)


def test_shapefile_projection_garbage_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.with_suffix(".prj").write_text("not a projection")
    with pytest.raises(InputError, match="unreadable projection"):
        read_vg5000(shp)


# --- 4. district-owned small-area files ---------------------------------------------------------
def _district(tmp_path, name, mutate):
    spec = SPECS[name]
    path = _text_case(tmp_path, HARZ_DATA / spec["file"], spec["file"], mutate, encoding="utf-8")
    return path, spec


@pytest.mark.parametrize("name,mutate,expected", [
    ("arbeitslose_gemeinden", lambda t: t.replace("langzeitarbeitslose", "lzal"), ["required column(s) missing", "langzeitarbeitslose"]),
    ("arbeitslose_gemeinden", lambda t: re.sub(r"\n150850040040;2020;\d+;", "\n150850040040;2020;zwölf;", t),
     ["value is not a number", "150850040040", "'zwölf'"]),
    ("arbeitslose_gemeinden", lambda t: t.replace("\n150850040040;", "\n15085004004;", 1), ["invalid Gemeinde key", "15085004004", "leading zeros"]),
    ("bevoelkerung_gemeinden", lambda t: t.replace(";männlich;", ";divers;", 1), ["invalid category", "geschlecht", "divers"]),
    ("sgb2_gemeinden", lambda t: t.replace("\n150850040040;2020-12-31;", "\n150850040040;31.13.2020;", 1), ["invalid reference date"]),
])
def test_district_files_rejected_by_reader(tmp_path, name, mutate, expected):
    path, spec = _district(tmp_path, name, mutate)
    with pytest.raises(InputError) as err:
        read_district_table(path, name, spec)
    message = str(err.value)
    assert spec["file"] in message and ("line" in message or "row" in message)
    for part in expected:
        assert part in message, (part, message)


def test_provider_workbook_without_sheet_rejected(tmp_path):
    wb = openpyxl.load_workbook(HARZ_DATA / "beratung.xlsx")
    wb["Faelle"].title = "Fälle 2020"
    wb.save(tmp_path / "beratung.xlsx")
    with pytest.raises(InputError, match="sheet 'Faelle' not found"):
        read_district_table(tmp_path / "beratung.xlsx", "beratung_faelle", SPECS["beratung_faelle"])


GEMEINDEN = sorted(pd.read_csv(HARZ_DATA / "arbeitslose_gemeinden.csv", sep=";", dtype={"ars": str})["ars"].unique())


def _district_errors(name, df):
    report = run_checks(district_checks({name: df}, SPECS, GEMEINDEN, 2020, "harz", {}))
    assert report["errors"], "expected the suite to fail"
    return "\n".join(report["errors"])


def _unemployed():
    return read_district_table(HARZ_DATA / "arbeitslose_gemeinden.csv", "arbeitslose_gemeinden", SPECS["arbeitslose_gemeinden"])


def test_district_negative_count_rejected():
    df = _unemployed()
    df.loc[df.index[-1], "value"] = -3
    assert "count ≥ 0" in _district_errors("arbeitslose_gemeinden", df)


def test_district_gemeinde_of_other_kreis_rejected():
    df = _unemployed()
    df.loc[df.index[-1], "area_id"] = "150890030030"
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "150890030030" in msg and "a Gemeinde of district 'harz'" in msg


def test_district_gemeinde_missing_for_report_year_rejected():
    df = _unemployed()
    df = df[~((df.area_id == "150850370370") & (df.period == "2020"))]
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "every Gemeinde" in msg and "missing: 150850370370" in msg


def test_district_part_larger_than_whole_rejected():
    df = _unemployed()
    i = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "langzeitarbeitslose")][0]
    df.loc[i, "value"] = 10_000
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "part not larger than its whole" in msg and "150850040040" in msg


def test_district_sum_far_from_official_total_is_a_warning():
    df = _unemployed()
    i = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "arbeitslose")][0]
    df.loc[i, "value"] += 500
    report = run_checks(district_checks({"arbeitslose_gemeinden": df}, SPECS, GEMEINDEN, 2020, "harz",
                                        {"arbeitslose_gemeinden": (6420.0, "arbeitslose")}))
    assert report["errors"] == []
    assert any("official Kreis total (6,420)" in w and "7.79" in w for w in report["warnings"]), report["warnings"]


# --- 5. accepted variants ---------------------------------------------------------------------
@pytest.mark.parametrize("name,mutate,encoding", [
    ("arbeitslose_gemeinden", lambda t: t.replace("\n", "\r\n"), "utf-8"),
    ("arbeitslose_gemeinden", lambda t: "\ufeff" + t + "\n\n", "utf-8"),
    ("arbeitslose_gemeinden", lambda t: t.replace(";", ","), "utf-8"),
    ("arbeitslose_gemeinden", lambda t: "\n".join(line + (";bemerkung" if i == 0 else ";") for i, line in enumerate(t.strip().split("\n"))), "utf-8"),
    ("bevoelkerung_gemeinden", lambda t: t, "latin-1"),
    ("sgb2_gemeinden", lambda t: t.replace("2020-12-31", "31.12.2020"), "utf-8"),
])
def test_district_variants_accepted(tmp_path, name, mutate, encoding):
    spec = SPECS[name]
    reference = read_district_table(HARZ_DATA / spec["file"], name, spec)
    path = tmp_path / spec["file"]
    path.write_bytes(mutate((HARZ_DATA / spec["file"]).read_text(encoding="utf-8")).encode(encoding))
    df = read_district_table(path, name, spec)
    assert df.drop(columns=["row", "source"]).equals(reference.drop(columns=["row", "source"]))


def test_marker_instead_of_number_accepted_and_kept(tmp_path):
    spec = SPECS["arbeitslose_gemeinden"]
    path = tmp_path / spec["file"]
    text = (HARZ_DATA / spec["file"]).read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n150850040040;2020;\d+;", "\n150850040040;2020;.;", text), encoding="utf-8")
    df = read_district_table(path, "arbeitslose_gemeinden", spec)
    row = df[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "arbeitslose")]
    assert row.flag.item() == "." and row.value.isna().item()
    assert run_checks(district_checks({"arbeitslose_gemeinden": df}, SPECS, GEMEINDEN, 2020, "harz", {}))["errors"] == []


# --- 6. hostile and wrong configuration -------------------------------------------------------
@pytest.fixture
def config(monkeypatch):
    monkeypatch.chdir(ROOT)
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change,expected", [
    (lambda c: c.update(districts=["../../etc/passwd"]), "key 'districts.0'"),
    (lambda c: c.update(districts=["harz$(rm -rf ~)"]), "key 'districts.0'"),
    (lambda c: c.update(districts=["harz; curl evil"]), "key 'districts.0'"),
    (lambda c: c.update(year=-1), "key 'year'"),
    (lambda c: c.update(year=10**9), "key 'year'"),
    (lambda c: c["paths"].update(raw="../../secrets"), "key 'paths.raw'"),
    (lambda c: c["paths"].update(reports="/tmp/x;rm"), "key 'paths.reports'"),
    (lambda c: c.update(figures={"dpi": 10**6}), "key 'figures.dpi'"),
    (lambda c: c.update(unknown_key=1), "(top level)"),
])
def test_hostile_config_values_rejected(config, change, expected):
    bad = copy.deepcopy(config)
    change(bad)
    with pytest.raises(InputError) as err:
        load_project(bad)
    assert expected in str(err.value) and "config/config.yaml" in str(err.value)


def _with_district(tmp_path, monkeypatch, text):
    for part in ("config",):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "config" / "districts" / "harz.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    return yaml.safe_load((tmp_path / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t.replace('kreis: "15085"', 'kreis: "1508"'), "key 'kreis'"),
    (lambda t: t.replace('kreis: "15085"', "kreis: 15085"), "key 'kreis'"),
    (lambda t: t.replace("id: harz", "id: ../harz"), "key 'id'"),
    (lambda t: t.replace("base_year: 2015", "base_year: 2030"), "base_year"),
    (lambda t: t.replace("name: Landkreis Harz", "name: [Landkreis: Harz"), "invalid YAML"),
    (lambda t: t.replace("gemeinde_years: [2013, 2023]", "gemeinde_years: [2023, 2013]"), "gemeinde_years"),
])
def test_wrong_district_config_rejected(tmp_path, monkeypatch, edit, expected):
    cfg = _with_district(tmp_path, monkeypatch, edit((ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8")))
    with pytest.raises(InputError) as err:
        load_project(cfg)
    assert "config/districts/harz.yaml" in str(err.value) and expected in str(err.value)


def test_kreis_key_that_does_not_exist_rejected(tmp_path, monkeypatch):
    cfg = _with_district(tmp_path, monkeypatch, (ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8")
                         .replace('kreis: "15085"', 'kreis: "15999"'))
    with pytest.raises(InputError) as err:
        check_district_keys(load_project(cfg))
    assert "unknown Kreisschlüssel" in str(err.value) and "15999" in str(err.value)
