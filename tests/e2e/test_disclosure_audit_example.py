"""The disclosure audit (issue 23, item 7) on the published example: no suppressed count can be
pinned down by arithmetic from what the report publishes beside it."""

from __future__ import annotations

from sozialbericht.tools.disclosure_audit import audit_published, table


def test_the_example_report_passes_the_audit(e2e_project):
    findings, threshold = audit_published(e2e_project, "harz")
    assert findings, "the example has suppressed cells"
    assert all(f.safe for f in findings), table(findings, threshold)
    assert all(f.low <= 0 and f.high >= threshold for f in findings)
