"""Property-based damage (Hypothesis): whatever happens to an input file — cut off, lines lost or
doubled, fields overwritten, delimiters or bytes changed — the readers either accept it or stop with
an InputError whose German message names the file; never a Python traceback.

`make test` runs a few examples per property (FUZZ_EXAMPLES, default 15); `make fuzz` runs many
(EXAMPLES=200 by default).
"""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import GENESIS, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialbericht.errors import InputError
from sozialbericht.io import read_district_table, read_genesis_csv
from sozialbericht.staging import check_layout

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("FUZZ_RANDOM") != "1",
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DATASETS = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
SPECS = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
ALQ_TEXT = (GENESIS / "13211-02-05-4.csv").read_bytes().decode("latin-1")
HARZ_UNEMPLOYED = (ROOT / "data/raw/harz/arbeitslose_gemeinden.csv").read_text(encoding="utf-8")

FIELD_VALUES = st.sampled_from(["", "-", ".", "x", "...", "abc", "1.234", "12,5", "-7", "NaN", "1e9", "§", "15085", "31.12.2020",
                                "\u00a0", "0", "99999999999"])


@st.composite
def damage(draw, text: str, delimiter: str = ";"):
    """A damaged copy of ``text`` and what was done (for the failure report)."""
    lines = text.split("\n")
    kind = draw(st.sampled_from(["truncate", "drop_line", "double_line", "field", "delimiter", "bytes", "swap_lines"]))
    if kind == "truncate":
        cut = draw(st.integers(0, len(text)))
        return text[:cut], f"cut at {cut}"
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "drop_line":
        return "\n".join(lines[:i] + lines[i + 1:]), f"line {i + 1} dropped"
    if kind == "double_line":
        return "\n".join(lines[:i + 1] + lines[i:]), f"line {i + 1} doubled"
    if kind == "swap_lines":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines), f"lines {i + 1} and {j + 1} swapped"
    if kind == "field":
        fields = lines[i].split(delimiter)
        k = draw(st.integers(0, max(len(fields) - 1, 0)))
        fields[k] = draw(FIELD_VALUES)
        lines[i] = delimiter.join(fields)
        return "\n".join(lines), f"line {i + 1} field {k + 1} overwritten"
    if kind == "delimiter":
        lines[i] = lines[i].replace(delimiter, draw(st.sampled_from([",", "\t", "|", ""])))
        return "\n".join(lines), f"line {i + 1} delimiter changed"
    noise = draw(st.binary(min_size=1, max_size=8)).decode("latin-1")
    pos = draw(st.integers(0, len(text)))
    return text[:pos] + noise + text[pos:], f"bytes at {pos}"


def _assert_clear(err: InputError, name: str, what: str) -> None:
    message = str(err)
    assert name in message, (what, message)
    assert any(word in message for word in ("erwartet", "Abhilfe", "fehlt", "Datei")), (what, message)


@SETTINGS
@given(case=damage(ALQ_TEXT))
def test_damaged_genesis_table_is_read_or_clearly_rejected(tmp_path_factory, case):
    text, what = case
    path = tmp_path_factory.mktemp("fuzz") / "13211-02-05-4.csv"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    try:
        df = read_genesis_csv(path)
        check_layout(df, DATASETS["arbeitslose"], path)
    except InputError as err:
        _assert_clear(err, "13211-02-05-4.csv", what)
        return
    assert len(df) > 0 and set(df["flag"]) <= {"", "-", ".", "x", "/", "...", "p", "r"}, what


@SETTINGS
@given(case=damage(HARZ_UNEMPLOYED))
def test_damaged_district_file_is_read_or_clearly_rejected(tmp_path_factory, case):
    text, what = case
    path = tmp_path_factory.mktemp("fuzz") / "arbeitslose_gemeinden.csv"
    path.write_text(text, encoding="utf-8")
    try:
        df = read_district_table(path, "arbeitslose_gemeinden", SPECS["arbeitslose_gemeinden"])
    except InputError as err:
        _assert_clear(err, "arbeitslose_gemeinden.csv", what)
        return
    assert df["area_id"].str.fullmatch(r"\d{12}").all(), what


@pytest.mark.parametrize("cut", [0, 10, 1000])
def test_cut_off_file_is_rejected(tmp_path, cut):
    """The fixed anchor of the property: a download that stopped early never passes."""
    path = tmp_path / "13211-02-05-4.csv"
    path.write_bytes(ALQ_TEXT[:cut].encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_genesis_csv(path)
    _assert_clear(err.value, "13211-02-05-4.csv", f"cut {cut}")
