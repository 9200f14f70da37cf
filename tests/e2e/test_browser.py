"""The HTML report in a real browser: headless Chromium (Debian `chromium`) driven by
playwright-core, checked with axe-core for WCAG 2.1 A and AA at a desktop (1280 px) and a phone
width (390 px), for both engines (tests/browser/check-html.mjs).

`make test` installs the two npm packages (tests/browser/package.json) where Node.js is there;
`.ci/run` also installs Chromium and sets SOZIALBERICHT_BROWSER_TESTS=required, so that in CI a
missing browser fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

BROWSER = ROOT / "tests" / "browser"
WIDTHS = (1280, 390)


def _missing() -> str:
    if not shutil.which("node"):
        return "Node.js fehlt"
    if not (BROWSER / "node_modules" / "axe-core").is_dir() or not (BROWSER / "node_modules" / "playwright-core").is_dir():
        return "axe-core/playwright-core fehlen (make test installiert sie mit npm)"
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists():
        return "Chromium fehlt (Debian: apt-get install chromium; oder CHROMIUM=<Pfad>)"
    return ""


def check_html(html: Path, widths=WIDTHS) -> dict[int, dict]:
    """Width → the browser's findings for one HTML file."""
    missing = _missing()
    if missing:
        if os.environ.get("SOZIALBERICHT_BROWSER_TESTS") == "required":
            pytest.fail(f"Browsertest nicht möglich: {missing}")
        pytest.skip(f"Browsertest übersprungen: {missing}")
    proc = subprocess.run(
        ["node", str(BROWSER / "check-html.mjs"), str(html), *map(str, widths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {r["width"]: r for r in json.loads(proc.stdout)}


_RESULTS: dict[Path, dict] = {}


@pytest.fixture
def browser(published) -> dict[int, dict]:
    html = published / "reports" / "harz" / "2020" / "sozialbericht.html"
    if html not in _RESULTS:
        _RESULTS[html] = check_html(html)
    return _RESULTS[html]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_wcag_violations(browser, width):
    violations = browser[width]["violations"]
    assert violations == [], "\n".join(f"{v['id']} ({v['count']}×): {v['help']} – {v['nodes']}" for v in violations)


def test_no_sideways_scrolling_on_a_phone(browser):
    phone = browser[390]
    assert phone["scrollWidth"] <= phone["clientWidth"], "die Seite scrollt auf dem Telefon seitwärts"


def test_charts_keep_their_text_size_on_a_phone(browser, published):
    md = (published / "reports" / "harz" / "2020" / "sozialbericht.md").read_text(encoding="utf-8")
    figures = browser[390]["figures"]
    assert len(figures) == md.count("{#fig-") > 5
    for f in figures:
        # shown at least at the natural size: chart text as large as in print (≥ 6,5 pt ≈ 8,7 px)
        assert f["shown"] >= 0.99 * f["natural"], f


def test_loads_nothing_from_outside(browser):
    for width in WIDTHS:
        assert browser[width]["external"] == []


def test_the_check_finds_violations(tmp_path):
    """The checker is not blind: a page with the defects the report once had is caught."""
    page = tmp_path / "kaputt.html"
    page.write_text(
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>t</title></head><body><main>'
        '<h1>Test</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<div style="overflow-x:auto;width:200px;white-space:nowrap"><table><tr><td>'
        + "breit "
        * 200
        + "</td></tr></table></div>"
        '<p style="color:#aaa">blasser Text</p><div style="width:2000px">zu breit</div>'
        '<img alt="extern" src="https://example.org/x.png"></main></body></html>',
        encoding="utf-8",
    )
    result = check_html(page, (390,))[390]
    found = {v["id"] for v in result["violations"]}
    assert {"image-alt", "scrollable-region-focusable", "color-contrast"} <= found
    assert result["scrollWidth"] > result["clientWidth"]
    assert result["external"] == ["https://example.org/x.png"]
