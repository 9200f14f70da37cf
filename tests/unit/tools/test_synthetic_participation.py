"""The example's synthetic participation workbooks (tools/synthetic.participation)."""

import hashlib

import yaml
from conftest import ROOT

from sozialbericht.ingest import participation as pt
from sozialbericht.tools.synthetic import PARTICIPANTS, participation

ROWS = [
    {"kennung": k, "name": n, "definition": "…", "wert": None, "einheit": "%", "stand": "2020"}
    for k, n in [
        ("kl_arbeitslosenanteil", "Arbeitslosenanteil"),
        ("kl_langzeitarbeitslosenanteil", "Langzeitarbeitslosenanteil"),
        ("kl_sgb2_quote", "SGB-II-Quote"),
        ("kl_kinderarmut", "Kinderarmut"),
    ]
]


def test_synthetic_allocations_are_valid_labelled_and_byte_reproducible(tmp_path):
    a = participation(tmp_path / "a", "Landkreis Harz", 2020, ROWS)
    b = participation(tmp_path / "b", "Landkreis Harz", 2020, ROWS)
    assert len(a) == len(PARTICIPANTS) and 4 <= len(a) <= 6
    for name in a:
        assert hashlib.sha256(a[name].read_bytes()).digest() == hashlib.sha256(b[name].read_bytes()).digest(), name
    read = pt.read_participants(tmp_path / "a", [r["kennung"] for r in ROWS])
    assert [p["status"] for p in read] == ["ok"] * len(PARTICIPANTS)
    assert all("synthetisch" in p["name"] for p in read)
    assert all(sum(p["punkte"].values()) == 100 for p in read)
    assert all(any("Synthetisches Beispiel" in r for r in p["begruendungen"].values()) for p in read)
    # the participants disagree (otherwise the consensus would say nothing)
    assert len({tuple(p["punkte"].values()) for p in read}) == len(read)


def test_the_example_names_the_synthetic_participants_and_a_district_may_name_its_own(tmp_path):
    """config/districts/harz.yaml lists exactly the generator's participants (the committed
    workbooks are theirs); another district's ``beteiligte`` get workbooks under their own names."""
    harz = yaml.safe_load((ROOT / "config" / "districts" / "harz.yaml").read_text(encoding="utf-8"))
    assert [(p["kennung"], p["name"], p["rolle"]) for p in harz["beteiligte"]] == [(k, n, r) for k, n, r, _ in PARTICIPANTS]
    committed = sorted(p.stem for p in (ROOT / "data" / "raw" / "harz" / "beteiligung").glob("*.xlsx"))
    assert committed == sorted(p["kennung"] for p in harz["beteiligte"])
    own = [{"kennung": "diakonie", "name": "Diakonie (synthetisch)", "rolle": "traeger"}, harz["beteiligte"][2]]
    files = participation(tmp_path, "Landkreis X", 2020, ROWS, participants=own)
    read = pt.read_participants(tmp_path, [r["kennung"] for r in ROWS])
    assert sorted(files) == ["beteiligung/diakonie.xlsx", "beteiligung/jobcenter.xlsx"]
    assert {p["kennung"]: p["name"] for p in read} == {
        "diakonie": "Diakonie (synthetisch)",
        "jobcenter": "Jobcenter (synthetisch)",
    }
