"""The corpus of bad inputs: each must be rejected with a German message that names the file, the
place and what was expected; the variants real files legitimately come in must be accepted.

Reader-level cases run the reader on a damaged copy of a real file; data-level cases run the
district suites; config cases run the config checks. Random damage is the fuzz test's job
(tests/unit/ingest/test_fuzz.py).
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

from sozialbericht.core.config import load_project
from sozialbericht.core.errors import InputError
from sozialbericht.ingest.genesis import read_genesis_csv, read_genesis_ffcsv
from sozialbericht.ingest.geo import read_vg5000
from sozialbericht.ingest.gvisys import read_gvisys
from sozialbericht.ingest.staging import stage_table
from sozialbericht.ingest.templates import read_district_table
from sozialbericht.validate.expectations import run_checks
from sozialbericht.validate.suites import district_checks

HARZ_DATA = ROOT / "data" / "raw" / "harz"
SPECS = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
PLAUSIBILITY = yaml.safe_load((ROOT / "config" / "plausibility.yaml").read_text(encoding="utf-8"))["district"]
DATASETS = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
ALQ = GENESIS / "13211-02-05-4.csv"


def _bytes_case(tmp_path, src, name, mutate):
    path = tmp_path / name
    path.write_bytes(mutate(src.read_bytes()))
    return path


def _text_case(tmp_path, src, name, mutate, encoding="latin-1"):
    return _bytes_case(tmp_path, src, name, lambda b: mutate(b.decode(encoding)).encode(encoding))


# --- 1. GENESIS "Tabelle als CSV": reader errors ------------------------------------------------
GENESIS_CASES = {
    "truncated_download": (lambda t: t[: len(t) // 3], ["abgeschnitten", "Fußzeile"]),
    "truncated_mid_row": (lambda t: t[:100_000], ["abgeschnitten"]),
    "header_block_changed": (
        lambda t: t.replace("GENESIS-Tabelle: 13211-02-05-4", "Tabelle 13211"),
        ["keine GENESIS-Datei", "Zeile 1"],
    ),
    "column_headers_missing": (
        lambda t: "\n".join(line for line in t.split("\n") if not line.startswith(";;;")),
        ["keine Spaltenköpfe"],
    ),
    "row_missing_a_field": (
        lambda t: t.replace("2020;15085;      Harz, Landkreis;6420;286;", "2020;15085;      Harz, Landkreis;6420;"),
        ["Zeile 489", "Felder, erwartet 16"],
    ),
    "non_numeric_count": (
        lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;sechstausend;"),
        ["Zeile 489", "15085", "sechstausend", "weder eine Zahl noch ein amtliches Zeichen"],
    ),
    "unknown_marker": (lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;#;"), ["Zeile 489", "'#'"]),
    "invalid_area_key": (lambda t: t.replace("2020;15085;", "2020;15O85;"), ["ungültiger Regionalschlüssel", "15O85"]),
    "invalid_date": (lambda t: t.replace("2020;15085;", "2O20;15085;"), ["ungültiger Stichtag", "Zeile 489", "2O20"]),
    "thousands_separator": (
        lambda t: t.replace("Harz, Landkreis;6420;", "Harz, Landkreis;6.420;"),
        ["'6.420'", "Tausenderpunkt"],
    ),
}


@pytest.mark.parametrize("case", sorted(GENESIS_CASES))
def test_genesis_csv_rejected(tmp_path, case):
    mutate, expected = GENESIS_CASES[case]
    path = _text_case(tmp_path, ALQ, f"{case}.csv", mutate)
    with pytest.raises(InputError) as err:
        read_genesis_csv(path)
    message = str(err.value)
    assert f"{case}.csv" in message and "erwartet" in message
    for part in expected:
        assert part in message, (part, message)


@pytest.mark.parametrize(
    "case,content,expected",
    [
        ("empty", b"", "Datei ist leer"),
        ("only_blank_lines", b"\n\n\r\n", "Datei ist leer"),
        ("binary_png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binär"),
        ("utf16", "GENESIS-Tabelle: 13211".encode("utf-16"), "binär"),
    ],
)
def test_empty_binary_and_wrongly_encoded_files_rejected(tmp_path, case, content, expected):
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected) as err:
        read_genesis_csv(path)
    assert f"{case}.csv" in str(err.value)


def test_layout_drift_is_caught_before_staging(tmp_path):
    """A renamed column header keeps the file readable but loses a configured variable."""
    path = _text_case(tmp_path, ALQ, "13211-02-05-4.csv", lambda t: t.replace("langzeitarbeitslos", "langzeitarbeitsl."))
    with pytest.raises(InputError) as err:
        stage_table(DATASETS["arbeitslose"], [path])
    msg = str(err.value)
    assert "13211-02-05-4.csv" in msg and "Tabellenlayout hat sich geändert" in msg
    assert "Arbeitslose | langzeitarbeitslos" in msg and "Arbeitslose | langzeitarbeitsl." in msg and "rename" in msg


@pytest.mark.parametrize(
    "dataset,file,old,new",
    [
        ("bevoelkerung_alter", "12411-0018.csv", "3 bis unter 6 Jahre", "3 bis unter 7 Jahre"),
        ("pflege", "22411-02-03-4.csv", "ambulante Pflege", "Pflege ambulant"),
    ],
)
def test_relabelled_header_outside_rename_is_layout_drift(tmp_path, dataset, file, old, new):
    """The complete layout (`labels`) also guards headers that no `rename` names: a relabelled age
    group is reported with the header line, the label found and the labels expected."""
    path = _text_case(tmp_path, GENESIS / file, file, lambda t: t.replace(old, new))
    with pytest.raises(InputError) as err:
        stage_table(DATASETS[dataset], [path])
    msg = str(err.value)
    assert file in msg and "Tabellenlayout hat sich geändert" in msg and "Kopfzeile" in msg
    assert old in msg and new in msg and "labels" in msg


# --- 2. flat files, GV-ISys, shapefiles -------------------------------------------------------
def test_ffcsv_changed_header_rejected(tmp_path):
    path = _text_case(
        tmp_path,
        GENESIS / "12411-01-01-4_flat.csv",
        "flat.csv",
        lambda t: t.replace("value_variable_label", "merkmal"),
        encoding="utf-8-sig",
    )
    with pytest.raises(InputError, match="Pflichtspalten fehlen") as err:
        read_genesis_ffcsv(path)
    assert "value_variable_label" in str(err.value) and "flat.csv" in str(err.value)


def test_ffcsv_non_numeric_value_rejected(tmp_path):
    path = _text_case(
        tmp_path,
        GENESIS / "12411-01-01-4_flat.csv",
        "flat.csv",
        lambda t: t.replace(";205484;", ";205 484;"),
        encoding="utf-8-sig",
    )
    with pytest.raises(InputError, match="Zeile") as err:
        read_genesis_ffcsv(path)
    assert "'205 484'" in str(err.value)


def test_broken_xlsx_rejected(tmp_path):
    path = _bytes_case(tmp_path, GVISYS / "31122019_Auszug_GV.xlsx", "31122019_Auszug_GV.xlsx", lambda b: b[:-5000])
    with pytest.raises(InputError, match="lässt sich nicht öffnen") as err:
        read_gvisys(path)
    assert "31122019_Auszug_GV.xlsx" in str(err.value)


def _mini_directory(path, header_land="Land", sheets=2):
    wb = openpyxl.Workbook()
    wb.active.title = "Inhalt"
    if sheets == 2:
        ws = wb.create_sheet("Gemeindedaten")
        ws.append(["Gemeinden in Deutschland am 31.12.2019"])
        ws.append([])
        ws.append(
            [
                "Satz-art",
                "Text-kenn-zeichen",
                "Amtlicher Regionalschlüssel (ARS)",
                None,
                None,
                None,
                None,
                "Gemeindename",
                "Fläche km2",
                "Bevölkerung",
            ]
        )
        ws.append([None, None, header_land, "RB", "Kreis", "VB", "Gem", None, None, "insgesamt", "männlich", "weiblich"])
        ws.append([None, None, "Gebietsstand am 31.12.2019"])
        ws.append(["60", "63", "15", "0", "85", "0040", "040", "Ballenstedt, Stadt", 86.65, 9000, 4400, 4600, 104])
    wb.save(path)
    return path


def test_gvisys_changed_layout_rejected(tmp_path):
    with pytest.raises(InputError, match="Spaltenlayout hat sich geändert"):
        read_gvisys(_mini_directory(tmp_path / "31122019_Auszug_GV.xlsx", header_land="Bundesland"))


def test_gvisys_without_data_sheet_rejected(tmp_path):
    with pytest.raises(InputError, match="kein Datenblatt"):
        read_gvisys(_mini_directory(tmp_path / "31122019_Auszug_GV.xlsx", sheets=1))


def _shapefile_copy(tmp_path):
    for f in GEO.glob("VG5000_KRS.*"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "VG5000_KRS.shp"


def test_shapefile_part_missing_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(InputError, match=r"VG5000_KRS\.dbf: Teil der Shapefile fehlt"):
        read_vg5000(shp)


def test_shapefile_damaged_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.write_bytes(shp.read_bytes()[:50_000])
    with pytest.raises(InputError, match="VG5000_KRS"):
        read_vg5000(shp)


def test_shapefile_projection_garbage_rejected(tmp_path):
    shp = _shapefile_copy(tmp_path)
    shp.with_suffix(".prj").write_text("not a projection")
    with pytest.raises(InputError, match="Projektion nicht lesbar"):
        read_vg5000(shp)


# --- 3. district-owned small-area files ---------------------------------------------------------
def _district(tmp_path, name, mutate):
    spec = SPECS[name]
    path = _text_case(tmp_path, HARZ_DATA / spec["file"], spec["file"], mutate, encoding="utf-8")
    return path, spec


@pytest.mark.parametrize(
    "name,mutate,expected",
    [
        (
            "arbeitslose_gemeinden",
            lambda t: t.replace("langzeitarbeitslose", "lzal"),
            ["Pflichtspalte(n) fehlen", "langzeitarbeitslose"],
        ),
        (
            "arbeitslose_gemeinden",
            lambda t: re.sub(r"\n150850040040;2020;\d+;", "\n150850040040;2020;zwölf;", t),
            ["Wert ist keine Zahl", "150850040040", "'zwölf'"],
        ),
        (
            "arbeitslose_gemeinden",
            lambda t: t.replace("\n150850040040;", "\n15085004004;", 1),
            ["ungültiger Gemeindeschlüssel", "15085004004", "führende"],
        ),
        (
            "bevoelkerung_gemeinden",
            lambda t: t.replace(";männlich;", ";divers;", 1),
            ["ungültige Ausprägung", "geschlecht", "divers"],
        ),
        (
            "bevoelkerung_gemeinden",
            lambda t: t.replace(";85 Jahre und mehr;", ";85 Jahre und älter;", 1),
            ["ungültige Ausprägung", "altersgruppe", "85 Jahre und älter", "85 Jahre und mehr"],
        ),
        ("bevoelkerung_gemeinden", lambda t: t.replace(";2020-12-31;", ";2020-06-30;", 1), ["Stichtag", "31.12."]),
        (
            "sgb2_gemeinden",
            lambda t: t.replace("\n150850040040;2020-12-31;", "\n150850040040;31.13.2020;", 1),
            ["ungültiger Stichtag"],
        ),
    ],
)
def test_district_files_rejected_by_reader(tmp_path, name, mutate, expected):
    path, spec = _district(tmp_path, name, mutate)
    with pytest.raises(InputError) as err:
        read_district_table(path, name, spec)
    message = str(err.value)
    assert spec["file"] in message and "Zeile" in message
    for part in expected:
        assert part in message, (part, message)


def _one_row_file(tmp_path, spec, period):
    """A minimal, otherwise valid file of a template: its columns and one row dated `period`."""
    header = [spec["area"], spec["period"], *spec.get("dimensions", []), *spec["values"]]
    dims = [spec.get("allowed", {}).get(d, ["A"])[0] for d in spec.get("dimensions", [])]
    row = ["150850040040", period, *dims, *["1"] * len(spec["values"])]
    path = tmp_path / spec["file"]
    if "sheet" in spec:
        wb = openpyxl.Workbook()
        wb.active.title = spec["sheet"]
        wb.active.append(header)
        wb.active.append(row)
        wb.save(path)
    else:
        path.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_district_input_refuses_a_date_off_its_agreed_day(tmp_path, name):
    """Issue 27.9: a stock has the day of its template; a year's table takes no day at all."""
    spec = SPECS[name]
    example = HARZ_DATA / spec["file"]
    if example.suffix == ".csv":  # the template's own example: dated tables must declare their day
        periods = pd.read_csv(example, sep=";", dtype=str)[spec["period"]]
        assert spec.get("stichtag") or periods.str.fullmatch(r"\d{4}").all(), name
    day = spec.get("stichtag")
    if day:
        good = f"{day[3:]}.{day[:2]}.2020"
        assert not read_district_table(_one_row_file(tmp_path, spec, good), name, spec).empty
    read_district_table(_one_row_file(tmp_path, spec, "2020"), name, spec)  # a year is always a valid period
    wrong = "30.06.2020" if day != "06-30" else "31.12.2020"
    with pytest.raises(InputError) as err:
        read_district_table(_one_row_file(tmp_path, spec, wrong), name, spec)
    message = str(err.value)
    assert spec["file"] in message and "Zeile 2" in message and wrong in message, message
    if day:
        assert "Stichtag ist nicht der vereinbarte Tag des Jahres" in message
        assert f"{day[3:]}.{day[:2]}." in message
    else:
        assert "ein Datum, wo die Vorlage ein Jahr erwartet" in message and "JJJJ" in message


def test_jobcenter_stock_dated_june_refused(tmp_path):
    """The Jobcenter's SGB II stocks of 30.06. instead of 31.12. are not the year's stock."""
    path, spec = _district(tmp_path, "sgb2_gemeinden", lambda t: t.replace("-12-31;", "-06-30;"))
    with pytest.raises(InputError, match="Stichtag ist nicht der vereinbarte Tag des Jahres") as err:
        read_district_table(path, "sgb2_gemeinden", spec)
    assert "31.12." in str(err.value) and "sgb2_gemeinden.csv" in str(err.value)


def test_provider_workbook_without_sheet_rejected(tmp_path):
    """The district's aggregate counselling workbook (the old template) with a renamed sheet."""
    wb = openpyxl.Workbook()
    wb.active.title = "Fälle 2020"
    wb.active.append(["traeger", "beratungsfeld", "wohnort_ars", "jahr", "faelle", "mehrfachproblematik"])
    wb.save(tmp_path / "beratung.xlsx")
    with pytest.raises(InputError, match="Tabellenblatt „Faelle“ nicht gefunden"):
        read_district_table(tmp_path / "beratung.xlsx", "beratung_faelle", SPECS["beratung_faelle"])


GEMEINDEN = sorted(pd.read_csv(HARZ_DATA / "arbeitslose_gemeinden.csv", sep=";", dtype={"ars": str})["ars"].unique())


def _district_report(name, df, totals=None):
    return run_checks(district_checks({name: df}, SPECS, PLAUSIBILITY, GEMEINDEN, 2020, "harz", totals or {}))


def _district_errors(name, df):
    report = _district_report(name, df)
    assert report["errors"], "expected the suite to fail"
    return "\n".join(report["errors"])


def _unemployed():
    return read_district_table(HARZ_DATA / "arbeitslose_gemeinden.csv", "arbeitslose_gemeinden", SPECS["arbeitslose_gemeinden"])


def test_district_negative_count_rejected():
    df = _unemployed()
    df.loc[df.index[-1], "value"] = -3
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "Anzahl ≥ 0" in msg and "arbeitslose_gemeinden.csv" in msg


def test_district_gemeinde_of_other_kreis_rejected():
    df = _unemployed()
    df.loc[df.index[-1], "area_id"] = "150890030030"
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "150890030030" in msg and "eine Gemeinde des Kreises „harz“" in msg


def test_district_gemeinde_missing_for_report_year_rejected():
    df = _unemployed()
    df = df[~((df.area_id == "150850370370") & (df.period == "2020"))]
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "Gemeinden fehlen für 2020" in msg and "150850370370" in msg


def test_district_tables_checked_together_keep_their_own_file_in_messages():
    """All tables of a district are one suite: a Gemeinde missing in one table is reported for
    that table's file only, and a complete table beside it passes."""
    sgb2 = read_district_table(HARZ_DATA / "sgb2_gemeinden.csv", "sgb2_gemeinden", SPECS["sgb2_gemeinden"])
    sgb2 = sgb2[~((sgb2.area_id == "150850370370") & (sgb2.period.str[:4] == "2020"))]
    report = run_checks(
        district_checks(
            {"arbeitslose_gemeinden": _unemployed(), "sgb2_gemeinden": sgb2}, SPECS, PLAUSIBILITY, GEMEINDEN, 2020, "harz", {}
        )
    )
    missing = [e for e in report["errors"] if "Gemeinden fehlen" in e]
    assert len(missing) == 1 and missing[0].startswith("sgb2_gemeinden.csv") and "150850370370" in missing[0]
    assert not any(e.startswith("arbeitslose_gemeinden.csv") for e in report["errors"]), report["errors"]


def test_district_part_larger_than_whole_rejected():
    df = _unemployed()
    i = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "langzeitarbeitslose")][0]
    df.loc[i, "value"] = 10_000
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "nicht größer als sein Ganzes" in msg and "150850040040" in msg


def test_district_implausible_jump_rejected():
    df = _unemployed()
    i = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "arbeitslose")][0]
    j = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "langzeitarbeitslose")][0]
    df.loc[i, "value"] *= 8
    df.loc[j, "value"] = 0
    msg = _district_errors("arbeitslose_gemeinden", df)
    assert "Veränderung gegenüber 2019" in msg and "150850040040" in msg


def test_district_sum_far_from_official_total_is_a_warning():
    df = _unemployed()
    i = df.index[(df.area_id == "150850040040") & (df.period == "2020") & (df.variable == "arbeitslose")][0]
    df.loc[i, "value"] += 150
    report = _district_report("arbeitslose_gemeinden", df, {"arbeitslose_gemeinden": (6420.0, "arbeitslose")})
    assert report["errors"] == []
    assert any("amtlichen Kreissumme (6.420)" in w for w in report["warnings"]), report["warnings"]


# --- 4. accepted variants ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,mutate,encoding",
    [
        ("arbeitslose_gemeinden", lambda t: t.replace("\n", "\r\n"), "utf-8"),
        ("arbeitslose_gemeinden", lambda t: "\ufeff" + t + "\n\n", "utf-8"),
        ("arbeitslose_gemeinden", lambda t: t.replace(";", ","), "utf-8"),
        (
            "arbeitslose_gemeinden",
            lambda t: "\n".join(line + (";bemerkung" if i == 0 else ";") for i, line in enumerate(t.strip().split("\n"))),
            "utf-8",
        ),
        ("bevoelkerung_gemeinden", lambda t: t, "latin-1"),
        ("sgb2_gemeinden", lambda t: t.replace("2020-12-31", "31.12.2020"), "utf-8"),
    ],
)
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
    assert _district_report("arbeitslose_gemeinden", df)["errors"] == []


# --- 5. hostile and wrong configuration -------------------------------------------------------
@pytest.fixture
def config(monkeypatch):
    monkeypatch.chdir(ROOT)
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change,expected",
    [
        (lambda c: c.update(districts=["../../etc/passwd"]), "districts"),
        (lambda c: c.update(districts=["harz$(rm -rf ~)"]), "districts"),
        (lambda c: c.update(districts=["harz; curl evil"]), "districts"),
        (lambda c: c.update(year=-1), "Schlüssel 'year'"),
        (lambda c: c.update(year=10**9), "Schlüssel 'year'"),
        (lambda c: c["paths"].update(raw="../../secrets"), "Schlüssel 'paths.raw'"),
        (lambda c: c["paths"].update(reports="/tmp/x;rm"), "Schlüssel 'paths.reports'"),
        (lambda c: c.update(figures={"dpi": 10**6}), "Schlüssel 'figures.dpi'"),
        (lambda c: c.update(unknown_key=1), "(oberste Ebene)"),
    ],
)
def test_hostile_config_values_rejected(config, change, expected):
    bad = copy.deepcopy(config)
    change(bad)
    with pytest.raises(InputError) as err:
        load_project(bad)
    assert expected in str(err.value) and "config" in str(err.value)


def _with_district(tmp_path, monkeypatch, text):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(ROOT / "report", tmp_path / "report")
    (tmp_path / "config" / "districts" / "harz.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    return yaml.safe_load((tmp_path / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "edit,expected",
    [
        (lambda t: t.replace('kreis: "15085"', 'kreis: "1508"'), "Schlüssel 'kreis'"),
        (lambda t: t.replace('kreis: "15085"', "kreis: 15085"), "Schlüssel 'kreis'"),
        (lambda t: t.replace('kreis: "15085"', 'kreis: "15999"'), "15999"),
        (lambda t: t.replace("id: harz", "id: ../harz"), "Schlüssel 'id'"),
        (lambda t: t.replace("base_year: 2015", "base_year: 2030"), "base_year"),
        (lambda t: t.replace("name: Landkreis Harz", "name: [Landkreis: Harz"), "ungültiges YAML"),
        (lambda t: t.replace("folder: harz", "folder: harz-fehlt"), "Ordner der kleinräumigen Daten fehlt"),
        (lambda t: t.replace('gemeinden: ["150850185185"', 'gemeinden: ["150890185185"'), "außerhalb des Kreises 15085"),
        (lambda t: t.replace('gemeinden: ["150850185185"', 'gemeinden: ["150850135135"'), "gehört zu zwei Sozialräumen"),
        (lambda t: t.replace("id: nordharz", "id: halberstadt"), "kommt doppelt vor"),
        (lambda t: t.replace('{from: "150855005035"', '{from: "150895005035"'), "Gebietsänderung nennt eine Gemeinde außerhalb"),
    ],
)
def test_wrong_district_config_rejected(tmp_path, monkeypatch, edit, expected):
    text = (ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text, "the edit must apply to the shipped configuration"
    cfg = _with_district(tmp_path, monkeypatch, changed)
    with pytest.raises(InputError) as err:
        load_project(cfg)
    assert "config/districts/harz.yaml" in str(err.value) and expected in str(err.value)


# Every configuration value that refers to something (a year, an indicator, a field, a Gemeinde, a
# dataset, a folder), set to a wrong value: refused before any job with file, key and value named.
REFERRING_KEYS = [
    # file, old text, new text, key named in the message, value named in the message
    ("config/config.yaml", "  target_year: 2035", "  target_year: 2019", "projection.target_year", "2019"),
    ("config/config.yaml", "  target_year: 2035", "  target_year: 2020", "projection.target_year", "2020"),
    ("config/config.yaml", "  base_year: 2015      #", "  base_year: 2021      #", "defaults.base_year", "2021"),
    (
        "config/config.yaml",
        "indicators: config/indicators.yaml",
        "indicators: config/indikatoren.yaml",
        "indicators",
        "config/indikatoren.yaml",
    ),
    (
        "config/config.yaml",
        "  standard: config/beratung.yaml",
        "  standard: config/beratungen.yaml",
        "beratung.standard",
        "config/beratungen.yaml",
    ),
    ("config/config.yaml", "  dir: report", "  dir: bericht", "report.dir", "bericht"),
    (
        "config/config.yaml",
        "    Suchtberatung: {",
        "    Suchtberatungen: {",
        "beratung.richtwerte.Suchtberatungen",
        "Suchtberatungen",
    ),
    (
        "config/config.yaml",
        "status_indicators: [kl_arbeitslosenanteil,",
        "status_indicators: [kl_arbeitslose,",
        "social_index.status_indicators",
        "kl_arbeitslose",
    ),
    (
        "config/indicators.yaml",
        "{tabelle: arbeit, position: 2}",
        "{tabelle: arbeits, position: 2}",
        "zeigen",
        "arbeits",
    ),
    (
        "config/plausibility.yaml",
        "\n  bevoelkerung_gemeinden:\n",
        "\n  einwohner_gemeinden:\n",
        "district.einwohner_gemeinden",
        "einwohner_gemeinden",
    ),
    (
        "config/config.yaml",
        "indikatoren: [kl_kinderarmut, kl_sgb2_quote,",
        "indikatoren: [kinderarmut, kl_sgb2_quote,",
        "handlungsbedarfe.kleinraeumig.indikatoren",
        "kinderarmut",
    ),
    (
        "config/config.yaml",
        "      arbeitslosenquote: {abweichung:",
        "      kl_arbeitslosenanteil: {abweichung:",
        "handlungsbedarfe.landestrend.indikatoren",
        "kl_arbeitslosenanteil",
    ),
    ("config/districts/harz.yaml", "base_year: 2015", "base_year: 2020", "base_year", "2020"),
    ("config/districts/harz.yaml", "{indicator: kl_kinderarmut,", "{indicator: kinderarmut,", "targets", "kinderarmut"),
    ("config/districts/harz.yaml", 'kreis: "15085"', 'kreis: "15099"', "kreis", "15099"),
    ("config/districts/harz.yaml", "  folder: harz", "  folder: harz-2020", "small_area_data.folder", "harz-2020"),
    ("config/districts/harz.yaml", 'gemeinden: ["150850185185"', 'gemeinden: ["150890185185"', "sozialraeume", "150890185185"),
    ("config/districts/harz.yaml", '{from: "150855005035"', '{from: "150895005035"', "territorial_changes", "150895005035"),
]


@pytest.mark.parametrize("file,old,new,key,value", REFERRING_KEYS, ids=[f"{r[0]}:{r[3]}" for r in REFERRING_KEYS])
def test_every_referring_configuration_value_is_cross_checked(tmp_path, monkeypatch, file, old, new, key, value):
    """Issue 27.10: the configuration check names file, key and value and what is allowed."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(ROOT / "report", tmp_path / "report")
    (tmp_path / "data").symlink_to(ROOT / "data")
    text = (tmp_path / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, "the edit must apply to the shipped configuration once"
    (tmp_path / file).write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = yaml.safe_load((tmp_path / "config" / "config.yaml").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as err:
        load_project(config)
    message = str(err.value)
    assert message.startswith(file + ":"), message
    assert f"Schlüssel '{key}" in message and repr(value)[1:-1] in message and "erwartet:" in message, message


# Issue 27.2: one bad district file stops one district; a broken main configuration stops all.
BAD_DISTRICT_FILES = [
    # edit of config/districts/salzlandkreis.yaml, key named in the message
    (lambda t: t.replace("base_year: 2015", "base_year: 2015\nunbekannt: 1"), "(oberste Ebene)"),
    (lambda t: t.replace('kreis: "15089"', 'kreis: "15999"'), "Schlüssel 'kreis'"),
    (lambda t: t.replace("name: Salzlandkreis", "name: [Salzland: kreis"), "ungültiges YAML"),
    (lambda t: t.replace("base_year: 2015", "base_year: 2024"), "Schlüssel 'base_year'"),
]


@pytest.mark.parametrize("edit,expected", BAD_DISTRICT_FILES)
def test_one_bad_district_file_stops_only_its_district(tmp_path, monkeypatch, edit, expected):
    from sozialbericht.core.pipeline import run_summary

    config = _with_district(tmp_path, monkeypatch, (ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "config/districts/salzlandkreis.yaml"
    text = path.read_text(encoding="utf-8")
    assert edit(text) != text
    path.write_text(edit(text), encoding="utf-8")
    config["districts"] = ["harz", "salzlandkreis"]
    project = load_project(config)
    assert list(project.districts) == ["harz"] and list(project.invalid) == ["salzlandkreis"]
    message = str(project.invalid["salzlandkreis"])
    assert "config/districts/salzlandkreis.yaml" in message and expected in message, message
    summary = run_summary(tmp_path / "logs", 0, list(project.districts), True, {d: str(e) for d, e in project.invalid.items()})
    assert (
        "fehlgeschlagen: 1" in summary and "- salzlandkreis: Kreiskonfiguration: config/districts/salzlandkreis.yaml" in summary
    )
    assert expected in summary
    config["districts"] = ["land:15"]  # a selection by Land leaves out the Kreis, never builds it without its file
    project = load_project(config)
    assert list(project.invalid) == ["salzlandkreis"] and "15089" not in {d["kreis"] for d in project.districts.values()}
    assert len(project.districts) == 13
    config["districts"] = ["salzlandkreis"]  # alone, the bad file stops the run
    with pytest.raises(InputError, match="salzlandkreis.yaml"):
        load_project(config)
    config["districts"] = ["harz", "salzlandkreis"]
    config["projection"]["target_year"] = 2000  # a broken main configuration stops everything
    with pytest.raises(InputError, match="config/config.yaml"):
        load_project(config)
