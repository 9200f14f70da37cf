"""The disclosure audit (issue 23, item 7): no suppressed count can be pinned down by arithmetic
from what a report publishes beside it (the example's report: tests/e2e/test_disclosure_audit_example.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialbericht.compute.disclosure import SUPPRESSED, suppress
from sozialbericht.tools.disclosure_audit import audit, table

CATALOGUE = [
    {"id": "faelle", "method": "value", "unit": "Anzahl", "numerator": {"dataset": "b", "variable": "faelle"}},
    {
        "id": "sucht",
        "part_of": "faelle",
        "method": "ratio",
        "unit": "je 10.000",
        "scale": 10000,
        "numerator": {"dataset": "b", "variable": "faelle", "contains": ["Sucht"]},
        "denominator": {"dataset": "ew", "variable": "anzahl"},
    },
    {
        "id": "schulden",
        "part_of": "faelle",
        "method": "ratio",
        "unit": "je 10.000",
        "scale": 10000,
        "numerator": {"dataset": "b", "variable": "faelle", "contains": ["Schulden"]},
        "denominator": {"dataset": "ew", "variable": "anzahl"},
    },
    {"id": "einwohner", "method": "value", "unit": "Anzahl", "numerator": {"dataset": "ew", "variable": "anzahl"}},
]
PEOPLE = {"K": 3000, "G1": 1000, "G2": 1000, "G3": 1000}
SUCHT = {"G1": 1, "G2": 9, "G3": 20}
SCHULDEN = {"G1": 12, "G2": 15, "G3": 30}


def _published(hidden: set[tuple[str, str]]) -> pd.DataFrame:
    """A Kreis K with Gemeinden G1–G3 (ids of 12 characters), counts of two fields, their total
    and the inhabitants; ``hidden``: the (indicator, area) cells published as ``.``."""
    rows = []
    for area in ["K", "G1", "G2", "G3"]:
        aid = area if area == "K" else area.ljust(12, "0")
        sucht = sum(SUCHT.values()) if area == "K" else SUCHT[area]
        schulden = sum(SCHULDEN.values()) if area == "K" else SCHULDEN[area]
        values = {
            "faelle": sucht + schulden,
            "sucht": sucht / PEOPLE[area] * 1e4,
            "schulden": schulden / PEOPLE[area] * 1e4,
            "einwohner": PEOPLE[area],
        }
        for ind, v in values.items():
            gone = (ind, area) in hidden
            rows.append(
                {
                    "indicator_id": ind,
                    "area_id": aid,
                    "area_name": area,
                    "period": "2020",
                    "value": None if gone else v,
                    "flag": SUPPRESSED if gone else "",
                }
            )
    return pd.DataFrame(rows)


def test_a_suppressed_count_pinned_by_the_kreis_total_is_found():
    """Only G1's small count hidden: the Kreis rate minus the other Gemeinden gives it exactly."""
    findings = audit(_published({("sucht", "G1")}), CATALOGUE, "K", {})
    assert len(findings) == 1 and not findings[0].safe
    assert findings[0].low == pytest.approx(1, abs=0.05) and findings[0].high == pytest.approx(1, abs=0.05)
    assert "NEIN" in table(findings, 3)


def test_the_field_total_of_the_gemeinde_pins_a_count_too():
    """G1's Sucht and the Kreis's Sucht hidden, but G1's cases of all fields and its other field
    are published: Sucht of G1 = all − Schulden."""
    findings = audit(_published({("sucht", "G1"), ("sucht", "G2"), ("sucht", "K")}), CATALOGUE, "K", {})
    assert not [f for f in findings if f.area_id.startswith("G1")][0].safe


def test_secondary_suppression_makes_every_cell_safe():
    """What disclosure.suppress publishes for the same data passes the audit."""
    raw = _published(set())
    counts = {"sucht": SUCHT, "schulden": SCHULDEN}
    raw["unit"] = ["Anzahl" if i in ("faelle", "einwohner") else "je 10.000" for i in raw["indicator_id"]]
    raw["numerator"] = [
        counts[i][a] if i in counts and a != "K" else sum(counts[i].values()) if i in counts else None
        for i, a in zip(raw["indicator_id"], raw["area_name"])
    ]
    published = suppress(raw, "K", {}, {"sucht": "faelle", "schulden": "faelle"}, 3)
    assert (published["flag"] == SUPPRESSED).sum() >= 2
    findings = audit(published, CATALOGUE, "K", {})
    assert findings and all(f.safe for f in findings), table(findings, 3)
