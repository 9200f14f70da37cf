"""Property-based damage (Hypothesis): whatever happens to an input file — cut off, lines lost or
doubled, fields overwritten, delimiters or bytes changed — the readers either accept it or stop with
an InputError whose German message names the file; never a Python traceback.

`make test` runs a few examples per property (FUZZ_EXAMPLES, default 15); `make fuzz` runs many
(EXAMPLES=200 by default).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
import yaml
from conftest import GENESIS, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialbericht.core.errors import InputError
from sozialbericht.ingest.genesis import read_genesis_csv
from sozialbericht.ingest.staging import check_layout
from sozialbericht.ingest.templates import read_district_table

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DATASETS = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
SPECS = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
ALQ_TEXT = (GENESIS / "13211-02-05-4.csv").read_bytes().decode("latin-1")
HARZ_UNEMPLOYED = (ROOT / "data/raw/harz/arbeitslose_gemeinden.csv").read_text(encoding="utf-8")

FIELD_VALUES = st.sampled_from(
    [
        "",
        "-",
        ".",
        "x",
        "...",
        "abc",
        "1.234",
        "12,5",
        "-7",
        "NaN",
        "1e9",
        "§",
        "15085",
        "31.12.2020",
        "\u00a0",
        "0",
        "99999999999",
    ]
)


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
        return "\n".join(lines[:i] + lines[i + 1 :]), f"line {i + 1} dropped"
    if kind == "double_line":
        return "\n".join(lines[: i + 1] + lines[i:]), f"line {i + 1} doubled"
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


# --- Pipeline level: damaged file → staging and validation as in the workflow ----------------------
# The published figures are a deterministic function of the staged, validated tables; so a damaged
# input must either stop the run (an InputError or a failed validation naming the damaged file) or
# give exactly the staged tables of the undamaged file.
PIPELINE_EXAMPLES = int(os.environ.get("FUZZ_PIPELINE_EXAMPLES", str(max(4, EXAMPLES // 3))))
PIPELINE_SETTINGS = settings(SETTINGS, max_examples=PIPELINE_EXAMPLES)
# absurd, negative and non-numeric values and the official markers; a plausible number (a count
# changed to another count of the same size) cannot be told from the truth without a second source
BAD_VALUES = st.sampled_from(["99999999999", "999999999999", "-7", "-1", "abc", "NaN", "1e9", "§", "-", ".", "x", ""])
NATIONAL_FILES = {"13211-02-05-4.csv": "arbeitslose", "12411-0018.csv": "bevoelkerung_alter"}
DISTRICT_FILES = {spec["file"]: name for name, spec in SPECS.items() if spec["file"].endswith(".csv")}
OFFICIAL_MARKERS = {"-", ".", "x", "/", "..."}


class Quiet(dict):
    """A fixture's tables, kept out of Hypothesis' failure report."""

    def __repr__(self) -> str:
        return f"<{', '.join(self)}>"


class Damaged(tuple):
    """(text, what, encoding, marker), shown by its description only in Hypothesis' failure report;
    ``marker``: the official marker a number was replaced with (a legitimate file: that value unknown)."""

    def __repr__(self) -> str:
        return f"<{self[1]}{', ' + self[2] if self[2] else ''}>"


@st.composite
def pipeline_damage(draw, text: str, delimiter: str = ";"):
    """Damage as it happens to real files: rows lost, doubled or swapped, a cell overwritten with an
    absurd, negative or non-numeric value, a header relabelled, the file cut, another encoding."""
    lines = text.split("\n")
    kind = draw(
        st.sampled_from(["drop_row", "double_row", "swap_rows", "cell", "cell", "cell", "relabel", "truncate", "encoding"])
    )
    data = [i for i, line in enumerate(lines) if line[:4].isdigit() or line[:2] in ("DG",)]
    header = [i for i, line in enumerate(lines[: data[0]])] if data else [0]
    i = draw(st.sampled_from(data or [0]))
    if kind == "truncate":
        cut = draw(st.integers(0, len(text) - 1))
        return Damaged((text[:cut], f"cut at {cut}", None, None))
    if kind == "encoding":
        return Damaged((text, "re-encoded", draw(st.sampled_from(["utf-16", "cp1252", "utf-8-sig", "latin-1", "utf-8"])), None))
    if kind == "drop_row":
        return Damaged(("\n".join(lines[:i] + lines[i + 1 :]), f"row {i + 1} dropped", None, None))
    if kind == "double_row":
        return Damaged(("\n".join(lines[: i + 1] + lines[i:]), f"row {i + 1} doubled", None, None))
    if kind == "swap_rows":
        j = draw(st.sampled_from(data or [0]))
        lines[i], lines[j] = lines[j], lines[i]
        return Damaged(("\n".join(lines), f"rows {i + 1} and {j + 1} swapped", None, None))
    if kind == "relabel":
        h = draw(st.sampled_from(header))
        fields = lines[h].split(delimiter)
        k = draw(st.sampled_from([k for k, f in enumerate(fields) if f.strip()] or [0]))
        fields[k] = draw(st.sampled_from(["X", fields[k] + " neu", fields[k][:-3], "Merkmal"]))
        lines[h] = delimiter.join(fields)
        return Damaged(("\n".join(lines), f"header line {h + 1} field {k + 1} relabelled", None, None))
    fields = lines[i].split(delimiter)
    k = draw(st.integers(0, max(len(fields) - 1, 0)))
    fields[k] = draw(BAD_VALUES)
    lines[i] = delimiter.join(fields)
    marker = fields[k] if fields[k] in OFFICIAL_MARKERS else None
    return Damaged(("\n".join(lines), f"row {i + 1} field {k + 1} overwritten with {fields[k]!r}", None, marker))


def _write(path, text: str, encoding: str | None, native: str) -> None:
    path.write_bytes(text.encode(encoding or native, errors="replace"))


def _names_file(err: Exception, name: str, what: str) -> None:
    assert name in str(err), (what, str(err)[:2000])


def _assert_same_figures(got: pd.DataFrame, ref: pd.DataFrame, damage: Damaged, label: str) -> None:
    """The staged table equals the undamaged one; where a number was replaced by an official marker,
    exactly that one value is unknown and carries the marker (it is published as the marker)."""
    key = [c for c in ref.columns if c not in ("value", "flag", "row", "source")]
    m = ref.merge(got, on=key, how="outer", suffixes=("", "_neu"), indicator=True)
    same_value = (m["value"] == m["value_neu"]) | (m["value"].isna() & m["value_neu"].isna())
    diff = m[(m["_merge"] != "both") | ~same_value | (m["flag"].fillna("") != m["flag_neu"].fillna(""))]
    if damage[3] and len(diff) == 1 and diff["value_neu"].isna().all() and (diff["flag_neu"] == damage[3]).all():
        return
    assert diff.empty, f"{label}: {damage[1]} was published with other figures:\n{diff.head(5).to_string()[:1500]}"


@pytest.fixture(scope="module")
def national_reference():
    from sozialbericht.ingest.staging import stage_table

    return Quiet({name: stage_table(DATASETS[name], [GENESIS / f]) for f, name in NATIONAL_FILES.items()})


def _national_outcome(tables: dict, tmpdir) -> None:
    from sozialbericht.validate.suites import validate_staged

    validate_staged(tables, {n: DATASETS[n] for n in tables}, PLAUSIBILITY, 2020, tmpdir)


PLAUSIBILITY = yaml.safe_load((ROOT / "config" / "plausibility.yaml").read_text(encoding="utf-8"))


@PIPELINE_SETTINGS
@given(data=st.data())
def test_damaged_national_file_stops_with_its_name_or_changes_nothing(tmp_path_factory, national_reference, data):
    from sozialbericht.core.errors import ValidationFailed
    from sozialbericht.ingest.staging import stage_table

    file = data.draw(st.sampled_from(sorted(NATIONAL_FILES)))
    name = NATIONAL_FILES[file]
    damage = data.draw(pipeline_damage((GENESIS / file).read_bytes().decode("latin-1")))
    text, what, encoding, _ = damage
    folder = tmp_path_factory.mktemp("fuzz") / "national" / "genesis"
    folder.mkdir(parents=True)
    _write(folder / file, text, encoding, "latin-1")
    try:
        staged = stage_table(DATASETS[name], [folder / file])
        tables = {**national_reference, name: staged}
        _national_outcome(tables, folder.parent.parent)
    except (InputError, ValidationFailed) as err:
        _names_file(err, file, f"{file}: {what}")
        return
    _assert_same_figures(staged, national_reference[name], damage, file)


@pytest.fixture(scope="module")
def district_context():
    from sozialbericht.ingest.staging import stage_table

    gv = DATASETS["gemeindeverzeichnis"]
    directory = stage_table(gv, [ROOT / "data/raw" / f for f in gv["files"]])
    population = stage_table(DATASETS["bevoelkerung_alter"], [GENESIS / "12411-0018.csv"])
    unemployment = stage_table(DATASETS["arbeitslose"], [GENESIS / "13211-02-05-4.csv"])
    district = yaml.safe_load((ROOT / "config/districts/harz.yaml").read_text(encoding="utf-8"))
    return Quiet(district=district, directory=directory, population=population, unemployment=unemployment)


def _stage_district(context, folder, out):
    from sozialbericht.ingest.own_data import stage_district

    stage_district(
        context["district"],
        2020,
        SPECS,
        folder,
        context["directory"],
        context["population"],
        context["unemployment"],
        out,
        None,
        PLAUSIBILITY["district"],
        yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8")),
    )
    return Quiet({p.stem: pd.read_csv(p, dtype=str) for p in sorted(out.glob("*.csv"))})


@pytest.fixture(scope="module")
def district_reference(district_context, tmp_path_factory):
    return _stage_district(district_context, ROOT / "data/raw/harz", tmp_path_factory.mktemp("ref"))


@PIPELINE_SETTINGS
@given(data=st.data())
def test_damaged_district_file_stops_with_its_name_or_changes_nothing(
    tmp_path_factory, district_context, district_reference, data
):
    import shutil

    from sozialbericht.core.errors import ValidationFailed

    file = data.draw(st.sampled_from(sorted(DISTRICT_FILES)))
    damage = data.draw(pipeline_damage((ROOT / "data/raw/harz" / file).read_text(encoding="utf-8")))
    text, what, encoding, _ = damage
    base = tmp_path_factory.mktemp("fuzz")
    folder = shutil.copytree(ROOT / "data/raw/harz", base / "harz")
    _write(folder / file, text, encoding, "utf-8")
    try:
        staged = _stage_district(district_context, folder, base / "out")
    except (InputError, ValidationFailed) as err:
        _names_file(err, file, f"{file}: {what}")
        return
    for name, ref in district_reference.items():
        _assert_same_figures(staged[name], ref, damage, f"{file} ({name})")
