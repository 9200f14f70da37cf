"""Files from outside are data, never code (issue 23): the example run with provider A's workbook
and a statement full of markup — published with the same indicators, no new markup in HTML, PDF
or the Markdown twin, nothing of the machine embedded."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import copy_tree, run_workflow
from hostile_text import PANDOC_ATTRIBUTES, SAFE_SUBSET, STATEMENT, parse_html, squash
from pypdf import PdfReader

from sozialbericht.core.untrusted import md_text

# --- the example, attacked ------------------------------------------------------------------------------
HOSTILE_NAME = 'Träger A <script>alert(1)</script> | Suchtberatung @Liga_Harz #read("/etc/passwd") {{< include x >}}'
HOSTILE_SITE = '<img src="/etc/passwd" onerror=alert(1)> | Halberstadt `#panic()`{=typst}'
HOSTILE_FILE = "traeger-a_<b onmouseover=alert(1)>_2020.xlsx"


@pytest.fixture(scope="module")
def attacked(e2e_project, tmp_path_factory):
    """The example with provider A's workbook renamed and its strings replaced by markup, and a
    statement (Windows-1252) that tries every way to embed a file or run code."""
    project = copy_tree(e2e_project, tmp_path_factory.mktemp("angriff") / "project")
    folder = project / "data" / "raw" / "harz" / "beratung"
    (project / "canary.txt").write_text("CANARY-7f3a-geheim", encoding="utf-8")
    wb = openpyxl.load_workbook(folder / "traeger-a_2020.xlsx")
    for row in wb["Traeger"].iter_rows(min_row=2):
        if row[0].value == "Träger":
            row[1].value = HOSTILE_NAME
    head = [c.value for c in wb["Stellen"][1]]
    for row in wb["Stellen"].iter_rows(min_row=2):
        row[head.index("standort")].value = HOSTILE_SITE
        row[head.index("sprachen")].value = "Deutsch, <iframe src=x></iframe>, =1+1"
    wb.save(folder / HOSTILE_FILE)
    (folder / "traeger-a_2020.xlsx").unlink()
    canary = project / "canary.txt"
    statement = STATEMENT + f'\n<img src="{canary}"> ![x]({canary}) <link rel="stylesheet" href="{canary}">\n'
    statement += f'\n<img src="{folder / "traeger-b_2020.xlsx"}">\n\nÜberörtliche Träger\n'
    (project / "config/texte/harz/angriff.md").write_bytes(statement.encode("cp1252", errors="replace"))
    cfg_path = project / "config/districts/harz.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["texte"]["stellungnahmen"].append(
        {"von": "Liga <script>x</script>", "datum": "2021-10-20", "datei": "config/texte/harz/angriff.md"}
    )
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return project


def _published(project: Path) -> Path:
    return project / "reports" / "harz" / "2020"


def test_the_attacked_report_is_published_with_the_same_indicators(attacked, e2e_project):
    ours = (_published(attacked) / "indikatoren.csv").read_bytes()
    assert ours == (_published(e2e_project) / "indikatoren.csv").read_bytes()


def test_the_attacked_html_has_no_new_markup_and_shows_the_strings_as_text(attacked, e2e_project):
    for name in ("sozialbericht.html", *(f"traeger/{p.name}" for p in (_published(attacked) / "traeger").glob("*.html"))):
        page = parse_html((_published(attacked) / name).read_text(encoding="utf-8"))
        base_name = name if (_published(e2e_project) / name).exists() else "traeger/traeger-b.html"
        base = parse_html((_published(e2e_project) / base_name).read_text(encoding="utf-8"))
        # no element or attribute that the report does not have anyway or the statements' safe subset allows
        names = {t for t, _ in base.tags} | SAFE_SUBSET
        attributes = {a for _, a, _ in base.attrs} | set(PANDOC_ATTRIBUTES) | {"data-number"}
        assert {t for t, _ in page.tags} <= names, (name, {t for t, _ in page.tags} - names)
        assert {a for _, a, _ in page.attrs} <= attributes, (name, {a for _, a, _ in page.attrs} - attributes)
        assert sum(t == "script" for t, _ in page.tags) == sum(t == "script" for t, _ in base.tags)
        assert not [a for a in page.attrs if a[1].startswith("on") or "javascript:" in a[2].lower()], name
    text = squash("".join(parse_html((_published(attacked) / "sozialbericht.html").read_text(encoding="utf-8")).text))
    assert squash(HOSTILE_NAME) in text and "<script>alert(1)</script>" in text
    assert "Überörtliche Träger" in text  # the Windows-1252 statement, read


def test_nothing_of_the_machine_is_embedded(attacked):
    secrets = [(attacked / "canary.txt").read_bytes(), (attacked / "data/raw/harz/beratung/traeger-b_2020.xlsx").read_bytes()]
    for path in _published(attacked).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret not in data and base64.b64encode(secret)[:60] not in data, path
            assert b"root:x:0:0" not in data and base64.b64encode(b"root:x:0:0")[:12] not in data, path


def test_the_attacked_pdfs_compile_and_print_the_strings(attacked):
    pdf = squash(" ".join(p.extract_text() for p in PdfReader(_published(attacked) / "sozialbericht.pdf").pages))
    for shown in ("<script>alert(1)</script>", "@Liga_Harz", '#read("/etc/passwd")'):
        assert shown.replace(" ", "") in pdf.replace(" ", ""), shown
    receipts = list((_published(attacked) / "traeger").glob("*.pdf"))
    assert len(receipts) >= 4
    texts = [" ".join(p.extract_text() for p in PdfReader(r).pages) for r in receipts]
    assert any("@Liga_Harz" in squash(t) for t in texts)


def test_the_markdown_twin_carries_the_strings_escaped(attacked):
    md = (_published(attacked) / "sozialbericht.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<(script|img|iframe|link)", md) and "{{<" not in md and "{{\\<" not in md
    assert md_text(HOSTILE_SITE) in md
