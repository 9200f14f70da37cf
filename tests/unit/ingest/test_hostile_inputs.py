"""Hostile provider files (issue 23, items 4–6 and 9): the corpus of tests/hostile_workbooks.py
against the reader of the counselling data standard (the whole workflow:
tests/e2e/test_hostile_example.py).

Every hostile workbook must leave out only its own provider (named with a German reason, the row
where a value is wrong), the other providers' staged data and the published indicators must be
the same as without it, no reading may take more than 500 MB, and files that are not read are
named in the annex.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import ROOT
from hostile_workbooks import REFUSED

from sozialbericht.core.text import read_document
from sozialbericht.ingest.counselling.providers import read_providers, unread_files
from sozialbericht.ingest.counselling.tables import staged_tables
from sozialbericht.ingest.counselling.workbook import read_provider
from sozialbericht.ingest.own_data import current_gemeinden, gemeinde_population
from sozialbericht.ingest.staging import stage_table

STANDARD = yaml.safe_load((ROOT / "config" / "beratung.yaml").read_text(encoding="utf-8"))
BERATUNG = ROOT / "data" / "raw" / "harz" / "beratung"
VALID, OTHER = BERATUNG / "traeger-a_2020.xlsx", BERATUNG / "traeger-b_2020.xlsx"


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    gv = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))["gemeindeverzeichnis"]
    return stage_table(gv, [ROOT / "data" / "raw" / f for f in gv["files"]])


@pytest.fixture(scope="module")
def gemeinden(directory) -> dict[str, str]:
    return current_gemeinden(directory, "15085")


def _folder(tmp_path: Path, add: list[Path], replace: dict[str, Path] | None = None) -> Path:
    """A district folder with the example's providers, ``add``ed files and ``replace``d ones."""
    target = tmp_path / "kreis" / "beratung"
    shutil.copytree(BERATUNG, target)
    for f in add:
        shutil.copyfile(f, target / f.name)
    for name, f in (replace or {}).items():
        shutil.copyfile(f, target / name)
    return target.parent


def _read(folder: Path, gemeinden, directory) -> list[dict]:
    return read_providers(folder, STANDARD, gemeinden, 2020, gemeinde_population(directory, gemeinden))


def _staged(providers, gemeinden, without: set[str] = frozenset()) -> pd.DataFrame:
    tables = staged_tables(providers, 2020, gemeinden)
    both = pd.concat([tables["beratung_faelle"], tables["beratung_stellen"]], ignore_index=True)
    return both[~both["source"].isin({f"beratung/{f}" for f in without})].reset_index(drop=True)


@pytest.fixture(scope="module")
def baseline(gemeinden, directory) -> list[dict]:
    return _read(BERATUNG.parent, gemeinden, directory)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_hostile_workbook_leaves_out_only_its_provider(case, hostile, baseline, gemeinden, directory, tmp_path):
    providers = _read(_folder(tmp_path, [hostile[case]]), gemeinden, directory)
    entry = next(p for p in providers if p["datei"] == hostile[case].name)
    assert entry["status"] == "fehler"
    message = " ".join(entry["fehler"])
    for part in REFUSED[case]:
        assert part in message, (part, message)
    assert all(p["status"] == "ok" for p in providers if p is not entry)
    pd.testing.assert_frame_equal(_staged(providers, gemeinden), _staged(baseline, gemeinden))


def test_a_forged_kennung_wins_nothing_and_names_both_files(hostile, baseline, gemeinden, directory, tmp_path):
    """B's workbook claims A's Kennung and year in a file whose name sorts first: neither is used,
    both are named; the other providers are unchanged."""
    forged = hostile["0_falsche_kennung"]
    providers = _read(_folder(tmp_path, [forged]), gemeinden, directory)
    claimed = [p for p in providers if p["datei"] in (forged.name, VALID.name)]
    assert len(claimed) == 2 and all(p["status"] == "fehler" for p in claimed)
    for p in claimed:
        assert forged.name in p["fehler"][0] and VALID.name in p["fehler"][0] and "traeger-a" in p["fehler"][0]
    pd.testing.assert_frame_equal(_staged(providers, gemeinden), _staged(baseline, gemeinden, without={VALID.name}))
    # B's own file still counts for B: only the claimed Kennung is in doubt
    assert next(p for p in providers if p["datei"] == OTHER.name)["status"] == "ok"


def test_a_name_with_the_key_separator_changes_no_value(hostile, baseline, gemeinden, directory, tmp_path):
    """„Träger A | Suchtberatung“ as A's name: A's cases stay in their fields, every staged value
    (the source of every indicator) is the same, and no key carries the name: provider and field
    are columns of their own, the variable is the measure alone."""
    providers = _read(_folder(tmp_path, [], {VALID.name: hostile["name_mit_trenner"]}), gemeinden, directory)
    a = next(p for p in providers if p["datei"] == VALID.name)
    assert a["status"] == "ok" and a["name"] == "Träger A | Suchtberatung"
    staged, before = _staged(providers, gemeinden), _staged(baseline, gemeinden)
    pd.testing.assert_frame_equal(staged, before)
    assert set(staged["variable"]) == {"faelle", "mehrfachproblematik", "vzae"}
    assert set(staged["traeger"]) == {p["kennung"] for p in providers if p["status"] == "ok" and p["jahr"] == 2020}
    assert set(staged["beratungsfeld"]) <= set(STANDARD["beratungsfelder"])


def test_files_that_are_not_read_are_named(hostile, tmp_path):
    folder = _folder(tmp_path, [hostile["zip_bombe"].parent / n for n in ("makros.xlsm", "GROSS.XLSX", "faelle.csv")])
    assert unread_files(folder) == ["GROSS.XLSX", "faelle.csv", "makros.xlsm"]


_PROBE = """
import json, re, sys, yaml
from pathlib import Path
from sozialbericht.ingest.counselling.workbook import read_provider
def peak():  # MB; VmHWM, unlike ru_maxrss, is not inherited from the parent across exec
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024
p = read_provider(Path(sys.argv[1]), yaml.safe_load(open(sys.argv[2], encoding="utf-8")), {})
print(json.dumps({"status": p["status"], "rss": peak()}))
"""


@pytest.mark.parametrize("case", ["zip_bombe", "riesiger_bereich", "million_zeilen"])
def test_reading_a_hostile_workbook_stays_small(case, hostile):
    """In a process of its own (a native reader that aborts would kill it): no crash, below 500 MB."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(hostile[case]), str(ROOT / "config" / "beratung.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["status"] == "fehler" and out["rss"] < 500, out


def test_a_workbook_that_is_no_zip_at_all_is_refused(tmp_path, gemeinden):
    (tmp_path / "text.xlsx").write_text("Träger;Fälle\n", encoding="utf-8")
    p = read_provider(tmp_path / "text.xlsx", STANDARD, gemeinden)
    assert p["status"] == "fehler" and "lässt sich nicht öffnen" in p["fehler"][0]


@pytest.mark.parametrize(
    "content,expected",
    [
        ("Grüße aus dem Harz – „Liga“".encode(), "Grüße aus dem Harz – „Liga“"),
        (b"\xef\xbb\xbf" + "Grüße".encode(), "Grüße"),
        ("Grüße – „Liga“ €".encode("cp1252"), "Grüße – „Liga“ €"),
        (b"Zeile 1\r\nZeile 2\r\n", "Zeile 1\nZeile 2\n"),
    ],
)
def test_statements_in_an_unambiguous_encoding_are_read(tmp_path, content, expected):
    (tmp_path / "s.md").write_bytes(content)
    assert read_document(tmp_path / "s.md") == expected


@pytest.mark.parametrize(
    "content,expected",
    [
        ("Grüße".encode("utf-16"), "keine Textdatei"),
        ("Grüße ".encode() + "Grüße".encode("cp1252"), "nicht eindeutig"),  # partly UTF-8, partly not
        (b"Zeile 1\nZeile 2 \x81\x8d", "Zeile 2"),  # bytes Windows-1252 does not define
        (b"\xef\xbb\xbf" + "Grüße".encode("cp1252"), "nicht eindeutig"),  # BOM, but not UTF-8
    ],
)
def test_statements_in_other_encodings_are_refused_naming_the_file(tmp_path, content, expected):
    from sozialbericht.core.errors import InputError

    (tmp_path / "stellungnahme.md").write_bytes(content)
    with pytest.raises(InputError, match=expected) as err:
        read_document(tmp_path / "stellungnahme.md", "Stellungnahme")
    assert "stellungnahme.md" in str(err.value)


def test_a_district_check_over_several_files_blames_the_largest_part(baseline, gemeinden):
    """Cases of one Gemeinde summed over every provider above its inhabitants: the message names
    the file and row of the provider whose count is too large, not the first file of the table."""
    from sozialbericht.ingest.templates import read_district_table
    from sozialbericht.validate.expectations import run_checks
    from sozialbericht.validate.suites import district_checks

    specs = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
    plausibility = yaml.safe_load((ROOT / "config" / "plausibility.yaml").read_text(encoding="utf-8"))["district"]
    population = read_district_table(
        ROOT / "data" / "raw" / "harz" / "bevoelkerung_gemeinden.csv", "bevoelkerung_gemeinden", specs["bevoelkerung_gemeinden"]
    )
    cases = staged_tables(baseline, 2020, gemeinden)["beratung_faelle"]
    area = cases["area_id"].iloc[0]
    own = cases[(cases["area_id"] == area) & (cases["variable"] == "faelle")]
    assert own["source"].nunique() >= 2  # several providers' files in this Gemeinde
    last = own.index[-1]  # a provider whose rows do not come first
    cases.loc[last, "value"] = 1_000_000
    report = run_checks(
        district_checks(
            {"beratung_faelle": cases, "bevoelkerung_gemeinden": population},
            specs,
            plausibility,
            sorted(gemeinden),
            2020,
            "harz",
            {},
        )
    )
    blamed = [e for e in report["errors"] if "Einwohner" in e]
    assert blamed, report["errors"]
    culprit = cases.loc[last, "source"].split("/")[-1]
    assert culprit in blamed[0] and f"Zeile {cases.loc[last, 'row']}" in blamed[0], blamed[0]
    others = set(own["source"].str.split("/").str[-1]) - {culprit}
    assert not any(o in blamed[0] for o in others), blamed[0]


def test_receipts_of_files_claiming_one_kennung_do_not_overwrite_each_other(hostile, gemeinden, directory, tmp_path):
    from sozialbericht.ingest.counselling.summary import summary

    providers = _read(_folder(tmp_path, [hostile["0_falsche_kennung"]]), gemeinden, directory)
    entries = summary(providers, STANDARD, 2020)["traeger"]
    assert len({e["kennung"] for e in entries}) == len(entries)
    assert {hostile["0_falsche_kennung"].name, VALID.name} <= {e["datei"] for e in entries if e["status"] == "fehler"}


def test_the_aggregate_workbook_refuses_the_key_separator_in_a_provider(tmp_path):
    """The district's aggregate workbook names providers in a column: a `|` there is refused with
    the row, so that no name can add a part to the staged key."""
    from sozialbericht.core.errors import InputError
    from sozialbericht.ingest.templates import read_district_table

    specs = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Faelle"
    ws.append(["traeger", "beratungsfeld", "wohnort_ars", "jahr", "faelle", "mehrfachproblematik"])
    ws.append(["Träger A", "Suchtberatung", "150850040040", 2020, 12, 3])
    ws.append(["Träger A | Suchtberatung", "Schuldnerberatung", "150850040040", 2020, 40, 5])
    wb.save(tmp_path / "beratung.xlsx")
    with pytest.raises(InputError, match=re.escape("ohne „|“")) as err:
        read_district_table(tmp_path / "beratung.xlsx", "beratung_faelle", specs["beratung_faelle"])
    assert "Zeile 3" in str(err.value) and "beratung.xlsx" in str(err.value)


def test_a_forged_kennung_stops_a_district_that_demands_complete_data(hostile, directory, tmp_path):
    """With ``beratung_vollstaendig: true`` a Kennung claimed twice stops the district's run,
    naming both files (before anything is staged)."""
    from sozialbericht.core.errors import ValidationFailed
    from sozialbericht.core.tidy import TIDY_COLUMNS
    from sozialbericht.ingest.own_data import stage_district

    folder = tmp_path / "harz"
    shutil.copytree(BERATUNG.parent, folder)
    shutil.copyfile(hostile["0_falsche_kennung"], folder / "beratung" / hostile["0_falsche_kennung"].name)
    specs = yaml.safe_load((ROOT / "config" / "district_inputs.yaml").read_text(encoding="utf-8"))
    empty = pd.DataFrame(columns=TIDY_COLUMNS)
    district = {"id": "harz", "kreis": "15085", "beratung_vollstaendig": True}
    with pytest.raises(ValidationFailed) as err:
        stage_district(district, 2020, specs, folder, directory, empty, empty, tmp_path / "out", None, {}, STANDARD)
    text = str(err.value)
    assert "beratung_vollstaendig: true" in text
    assert hostile["0_falsche_kennung"].name in text and VALID.name in text
    assert not (tmp_path / "out").exists()
