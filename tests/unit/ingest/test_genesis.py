"""The GENESIS readers on the real embedded files, and on the variants real files come in."""

import math

import pytest
from conftest import GENESIS

from sozialbericht.core.errors import InputError
from sozialbericht.ingest.genesis import read_genesis_csv, read_genesis_ffcsv


@pytest.fixture(scope="module")
def population():
    return read_genesis_csv(GENESIS / "12411-0018.csv")


@pytest.fixture(scope="module")
def unemployment():
    return read_genesis_csv(GENESIS / "13211-02-05-4.csv")


def test_harz_population_2020_is_210975(population):
    harz = population[(population.area_id == "15085") & (population.period == "2020-12-31")]
    assert len(harz) == 34  # 2 sexes × 17 age groups
    assert harz.value.sum() == 210_975


def test_two_row_header_gives_sex_and_age_group(population):
    assert "weiblich | 75 Jahre und mehr" in set(population.variable)
    assert set(population.unit) == {"Anzahl"}  # from the title line "Bevölkerungsstand (Anzahl)"
    assert population.attrs["table"] == "12411-0018"
    assert set(population.period) == {f"{y}-12-31" for y in range(2015, 2021)}


def test_area_keys_keep_leading_zeros(population):
    assert "01001" in set(population.area_id)
    assert population.area_id.map(type).eq(str).all()


def test_unemployment_rate_harz_2020_is_6_1(unemployment):
    row = unemployment[
        (unemployment.area_id == "15085")
        & (unemployment.period == "2020")
        & (unemployment.variable == "Arbeitslosenquote bez. auf alle zivile Erwerbsp.")
    ]
    assert row.value.tolist() == [6.1]
    assert row.unit.tolist() == ["Prozent"]


def test_region_hierarchy_and_indented_names(unemployment):
    levels = unemployment.drop_duplicates("area_id").set_index("area_id").area_level
    assert levels["DG"] == "bund" and levels["15"] == "land" and levels["031"] == "regierungsbezirk"
    assert levels["15085"] == "kreis"
    names = unemployment.drop_duplicates("area_id").set_index("area_id").area_name
    assert names["15"] == "Sachsen-Anhalt"  # indentation stripped
    assert names["15085"] == "Harz, Landkreis"


def test_markers_are_kept_as_flags(unemployment):
    dissolved = unemployment[(unemployment.area_id == "03156") & (unemployment.period == "2020")]
    assert set(dissolved.flag) == {"-"} and dissolved.value.isna().all()
    secret = unemployment[
        (unemployment.area_id == "031")
        & (unemployment.period == "2020")
        & (unemployment.variable == "Arbeitslosenquote bez. abh. zivile Erwerbspers.")
    ]
    assert secret.flag.tolist() == ["."] and math.isnan(secret.value.iloc[0])


def test_row_dimension_sex_in_care_table():
    care = read_genesis_csv(GENESIS / "22411-02-03-4.csv")
    harz = care[(care.area_id == "15085") & (care.period == "2019-12-31")].set_index("variable").value
    assert harz["Pflegebedürftige | Insgesamt"] == 13_863
    assert harz["Pflegebedürftige | männlich"] + harz["Pflegebedürftige | weiblich"] == 13_863


def _variant(tmp_path, name, transform):
    raw = (GENESIS / "13211-02-05-4.csv").read_bytes()
    path = tmp_path / name
    path.write_bytes(transform(raw))
    return path


@pytest.mark.parametrize(
    "name,transform",
    [
        ("utf8.csv", lambda b: b.decode("latin-1").encode("utf-8")),
        ("utf8bom.csv", lambda b: b"\xef\xbb\xbf" + b.decode("latin-1").encode("utf-8")),
        ("crlf.csv", lambda b: b.replace(b"\n", b"\r\n")),
        ("blank_lines.csv", lambda b: b + b"\n\n\n"),
    ],
)
def test_accepted_variants_give_the_same_table(tmp_path, unemployment, name, transform):
    df = read_genesis_csv(_variant(tmp_path, name, transform))
    assert df.drop(columns="source").equals(unemployment.drop(columns="source"))


def test_truncated_file_names_file_and_problem(tmp_path):
    path = _variant(tmp_path, "13211-cut.csv", lambda b: b[: len(b) // 2])
    with pytest.raises(InputError) as err:
        read_genesis_csv(path)
    assert "13211-cut.csv" in str(err.value) and "truncated" in str(err.value)


def test_unknown_marker_names_line_area_and_column(tmp_path):
    path = _variant(
        tmp_path,
        "bad.csv",
        lambda b: b.replace(b"2020;15085;      Harz, Landkreis;6420;", b"2020;15085;      Harz, Landkreis;6420?;"),
    )
    with pytest.raises(InputError) as err:
        read_genesis_csv(path)
    msg = str(err.value)
    assert "bad.csv" in msg and "Zeile 489" in msg and "15085" in msg and "6420?" in msg and "Arbeitslose" in msg


def test_binary_and_empty_files_are_rejected(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "bin.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    for name in ("empty.csv", "bin.csv"):
        with pytest.raises(InputError, match=name):
            read_genesis_csv(tmp_path / name)


def test_ffcsv_zensus_every_gemeinde_with_12_digit_key():
    df = read_genesis_ffcsv(GENESIS / "1000A-0000_flat.csv")
    gemeinden = df[df.area_level == "gemeinde"]
    assert len(gemeinden) == 10_786 and gemeinden.area_id.str.len().eq(12).all()
    assert df[df.area_id == "DG"].value.tolist() == [82_719_540]
    assert len(gemeinden[gemeinden.area_id.str[:5] == "15085"]) == 20
    assert set(df.period) == {"2022-05-15"}


def test_ffcsv_population_2024_by_sex():
    df = read_genesis_ffcsv(GENESIS / "12411-01-01-4_flat.csv")
    harz = df[df.area_id == "15085"].set_index("variable").value
    assert harz["Bevölkerungsstand | Insgesamt"] == 205_484
    assert harz["Bevölkerungsstand | männlich"] + harz["Bevölkerungsstand | weiblich"] == 205_484
