"""The whole workflow on the embedded example: what a planner gets, and what a damaged file does.

Runs Snakemake once in a temporary copy of the project (about 30 s); the damaged-input test runs
last and reuses that copy to show that a failing run leaves the published report untouched.
"""

import csv
import hashlib
import json
import re

import pytest
from conftest import copy_tree, run_workflow
from pypdf import PdfReader

pytestmark = pytest.mark.e2e
REPORT = ("reports", "harz", "2020")


def _report(project, name):
    return project.joinpath(*REPORT, name)


def _pdf_text(project):
    reader = PdfReader(_report(project, "sozialbericht.pdf"))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_html_contains_the_planners_facts(e2e_project):
    html = _report(e2e_project, "sozialbericht.html").read_text(encoding="utf-8")
    assert "210.975" in html  # inhabitants 31.12.2020
    assert re.search(r"\b6,1(&nbsp;|\u00a0| )%", html)  # unemployment rate 2020
    assert "20 Gemeinden" in html
    for chapter in ("Zusammenfassung", "Bevölkerung", "Familien und Haushalte", "Existenzsicherung", "Arbeit", "Pflege",
                    "Beratung", "Sozialindex", "Bevölkerungsprognose", "Gemeinden im Vergleich", "Handlungsbedarfe",
                    "Methodik und Quellen", "Anhang"):
        assert f">{chapter}</h2>" in html or f">{chapter}</a>" in html, chapter
    assert "dl-de/by-2-0" in html and "GeoBasis-DE / BKG 2021" in html
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="de-DE"' in html


def test_html_is_self_contained_and_images_have_alt_text(e2e_project):
    html = _report(e2e_project, "sozialbericht.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|link)[^>]+(src|href)=\"https?://", html)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 7
    for img in images:
        assert 'src="data:image/png;base64,' in img
        assert re.search(r'alt="[^"]{20,}"', img), img[:200]


def test_pdf_is_a_real_document(e2e_project):
    pages = _pdf_text(e2e_project)
    assert len(pages) >= 8
    assert "Sozialbericht Landkreis Harz 2020" in pages[0] and "Seite" not in pages[0]
    assert "Inhalt" in pages[1] and "Seite 1 von" in pages[1]
    text = " ".join(pages)
    assert "210.975" in text and re.search(r"6,1 ?%", text)
    reader = PdfReader(_report(e2e_project, "sozialbericht.pdf"))
    assert sum(len(p.images) for p in reader.pages) >= 7  # the figures are embedded


def test_indicator_export_contract(e2e_project):
    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:8] == ["indicator_id", "area_id", "area_name", "area_level", "period", "value", "unit", "flag"]
    pop = [r for r in rows if r["indicator_id"] == "bevoelkerung" and r["area_id"] == "15085" and r["period"] == "2020-12-31"]
    assert float(pop[0]["value"]) == 210_975
    gemeinden = {r["area_id"] for r in rows if r["area_level"] == "gemeinde"}
    assert len(gemeinden) == 20
    kreise_sa = {r["area_id"] for r in rows if r["area_level"] == "kreis"}
    assert len(kreise_sa) == 14 and all(k.startswith("15") for k in kreise_sa)  # Harz + the other Kreise of Sachsen-Anhalt


def test_markdown_twin_executed_notebook_and_manifest(e2e_project):
    md = _report(e2e_project, "sozialbericht.md").read_text(encoding="utf-8")
    assert md.startswith("---\n") and "title: Sozialbericht Landkreis Harz 2020" in md
    assert "jupyter:" not in md and "import " not in md  # no notebook metadata, no code
    assert (e2e_project / "results/notebooks/harz/2020/sozialbericht.ipynb").exists()
    manifest = json.loads(_report(e2e_project, "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["path"]: i for i in manifest["inputs"]}
    raw = e2e_project / "data/raw/national/genesis/12411-0018.csv"
    assert inputs["data/raw/national/genesis/12411-0018.csv"]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert manifest["engine"] in ("pandoc", "quarto")


def test_second_run_has_nothing_to_do(e2e_project):
    proc = run_workflow(e2e_project, "--dry-run")
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_damaged_input_stops_the_run_and_keeps_the_published_report(e2e_project, tmp_path):
    e2e_project = copy_tree(e2e_project, tmp_path / "damaged")
    html = _report(e2e_project, "sozialbericht.html")
    before = hashlib.sha256(html.read_bytes()).hexdigest()
    raw = e2e_project / "data/raw/national/genesis/13211-02-05-4.csv"
    raw.write_bytes(raw.read_bytes()[:100_000])  # a download cut off mid-file
    proc = run_workflow(e2e_project)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "13211-02-05-4.csv" in output and "truncated" in output
    assert "Traceback" not in output.split("13211-02-05-4.csv")[0][-2000:]
    assert hashlib.sha256(html.read_bytes()).hexdigest() == before


def test_every_gemeinde_appears_and_synthetic_data_are_labelled(e2e_project):
    md = _report(e2e_project, "sozialbericht.md").read_text(encoding="utf-8")
    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["area_name"].split(",")[0] for r in rows if r["area_level"] == "gemeinde"}
    assert len(names) == 20 and all(f"| {n} |" in md for n in names)
    assert "synthetischen Beispieldaten" in md and md.count("Synthetische Beispieldaten") >= 5
    synthetic = {r["indicator_id"] for r in rows if r["synthetic"] == "True"}
    assert "kl_kinderarmut" in synthetic and "arbeitslosenquote" not in synthetic
    assert {r["area_level"] for r in rows} >= {"bund", "land", "kreis", "gemeinde", "sozialraum"}


def _count_cells(md_or_html: str) -> list[str]:
    cells = re.findall(r"\|\s*\**([^|*]+?)\**\s*(?=\|)", md_or_html) + re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", md_or_html)
    return [c.strip() for c in cells]


def test_no_published_count_of_one_or_two(e2e_project):
    """Disclosure control: no output shows a count of 1 or 2 (counts are the cells without unit)."""
    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    counts = [r for r in rows if r["unit"] == "Anzahl" and r["value"]]
    assert counts and not [r for r in counts if float(r["value"]) in (1.0, 2.0)]
    assert any(r["flag"] == "." for r in rows if r["synthetic"] == "True")  # suppression did happen
    for name in ("sozialbericht.md", "sozialbericht.html"):
        cells = _count_cells(_report(e2e_project, name).read_text(encoding="utf-8"))
        assert len(cells) > 500
        assert not [c for c in cells if c in ("1", "2")], name
    from openpyxl import load_workbook

    wb = load_workbook(_report(e2e_project, "tabellen.xlsx"), read_only=True)
    for ws in wb.worksheets:
        rows_x = list(ws.iter_rows(values_only=True))
        header = rows_x[0]
        count_cols = [j for j, h in enumerate(header) if h and ("Anzahl" in str(h) or h == "value")]
        unit_col = header.index("unit") if "unit" in header else None
        for r in rows_x[1:]:
            for j in count_cols:
                if unit_col is None or r[unit_col] == "Anzahl":
                    assert r[j] not in (1, 2, 1.0, 2.0), (ws.title, r)
    gemeinden = sorted({r["area_name"].split(",")[0] for r in rows if r["area_level"] == "gemeinde"}, key=len, reverse=True)
    for page in _pdf_text(e2e_project):
        for name in gemeinden:
            for row in re.findall(re.escape(name) + r"((?: (?:[\d.,−+]+|[./–]))+)", page):
                assert not re.search(r"(?<![\d,.])[12](?![\d,.])", row.replace(" .", " ")), (name, row)
