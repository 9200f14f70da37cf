"""The example's synthetic participation workbooks (tools/synthetic.participation)."""

import hashlib

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
