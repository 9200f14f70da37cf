"""The whole workflow on the embedded example: what a planner gets, and what a damaged file does.

Runs Snakemake once in a temporary copy of the project (about 30 s); the damaged-input test runs
last and reuses that copy to show that a failing run leaves the published report untouched.
"""

import csv
import hashlib
import json
import re
from pathlib import Path

from conftest import copy_tree, md_table, run_workflow
from pypdf import PdfReader

REPORT = ("reports", "harz", "2020")


def _report(project, name):
    return project.joinpath(*REPORT, name)


def _pdf_text(project):
    reader = PdfReader(_report(project, "sozialbericht.pdf"))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_html_contains_the_planners_facts(published):
    html = _report(published, "sozialbericht.html").read_text(encoding="utf-8")
    assert "210.975" in html  # inhabitants 31.12.2020
    assert re.search(r"\b6,1(&nbsp;|\u00a0| )%", html)  # unemployment rate 2020
    assert "20 Gemeinden" in html
    for chapter in (
        "Zusammenfassung",
        "Bevölkerung",
        "Familien und Haushalte",
        "Existenzsicherung",
        "Arbeit",
        "Pflege",
        "Beratung",
        "Sozialindex",
        "Bevölkerungsprognose",
        "Gemeinden im Vergleich",
        "Handlungsbedarfe",
        "Methodik und Quellen",
        "Anhang",
    ):
        assert re.search(rf"<h2[^>]*>(<span[^>]*>\d+</span>\s*)?{chapter}</h2>", html), chapter
    assert "dl-de/by-2-0" in html and "GeoBasis-DE / BKG 2021" in html
    assert re.search(r'<p class="imprint"><strong>Impressum</strong> · Herausgeber: Landkreis Harz, Halberstadt', html)
    assert re.search(r'<html xmlns="http://www.w3.org/1999/xhtml" lang="de(-DE)?"', html)


def test_html_is_self_contained_and_images_have_alt_text(published):
    html = _report(published, "sozialbericht.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|link)[^>]+(src|href)=\"https?://", html)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 7
    for img in images:
        assert 'src="data:image/svg+xml;base64,' in img  # vector figures, embedded
        assert re.search(r'(alt|aria-label)="[^"]{40,}"', img), img[:200]  # a sentence that says what the figure shows


def test_html_tables_have_column_and_row_headers(published):
    """Screen readers announce each cell with its column and its row (scope="col" / scope="row")."""
    html = _report(published, "sozialbericht.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) >= 15
    for table in tables:
        head = re.search(r"<thead>(.*?)</thead>", table, flags=re.S).group(1)
        assert all('scope="col"' in th for th in re.findall(r"<th[^>]*>", head)), head[:300]
        body = re.search(r"<tbody>(.*?)</tbody>", table, flags=re.S).group(1)
        rows = re.findall(r"<tr[^>]*>\s*(<t[hd][^>]*>)", body)
        assert rows and all(first.startswith("<th") and 'scope="row"' in first for first in rows), rows[:3]


def test_pdf_is_a_real_document(published):
    pages = _pdf_text(published)
    assert len(pages) >= 8
    assert "Sozialbericht Landkreis Harz 2020" in pages[0] and "Seite" not in pages[0]
    assert "Impressum" in pages[0] and "Herausgeber: Landkreis Harz, Halberstadt" in pages[0]  # imprint on the title page
    assert "Inhalt" in pages[1] and "Seite 1 von" in pages[1]
    text = " ".join(pages)
    assert "210.975" in text and re.search(r"6,1 ?%", text)
    assert len(re.findall(r"Abbildung\s?\d+:", text)) >= 7  # the figures with their captions
    reader = PdfReader(_report(published, "sozialbericht.pdf"))
    assert reader.metadata.title == "Sozialbericht Landkreis Harz 2020"


def test_no_word_prints_over_another_on_any_page(published):
    """Every page of the report and of the providers' receipts, word by word (the page check of
    `make pagecheck`): no overprinted words, no word cut in a table cell, nothing off the page."""
    from sozialbericht.tools.pagecheck import check_tree

    pdfs, pages, defects = check_tree(published / "reports")
    assert pdfs >= 5 and pages >= 30
    assert defects == [], "\n".join(map(str, defects[:20]))


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
    assert list(rows[0])[8:] == ["synthetic", "lower", "upper", "comparison"]


def test_export_carries_intervals_comparison_group_and_demand(e2e_project):
    """Issue 25: the published table carries every small-area interval with its flag, the
    comparison group's median and quartiles with the Kreis's position, and the demand from the
    projection (the middle variant, the variants' range; the care count's base equals the Kreis's
    count of 22411-02-03-4)."""
    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    work = e2e_project / "results/work/2020/harz/harz/indikatoren"
    assert {r["comparison"] for r in rows} == {"", "höher", "ähnlich", "niedriger"}
    flagged = [r for r in rows if r["area_level"] in ("gemeinde", "gemeindeverband", "sozialraum") and r["comparison"]]
    with (work / "intervalle.csv").open(encoding="utf-8") as fh:
        assert len(flagged) == sum(1 for _ in csv.DictReader(fh)) > 500
    for r in flagged:
        assert float(r["lower"]) <= float(r["value"]) <= float(r["upper"]), r
    kreis_of = {(r["indicator_id"], r["period"]): r for r in rows if r["area_id"] == "15085"}
    with (work / "vergleich.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    group = {(r["indicator_id"], r["period"]): r for r in rows if r["area_level"] == "vergleichskreise"}
    assert len(table) == len(group) >= 5
    words = {"oberhalb": "höher", "innerhalb": "ähnlich", "unterhalb": "niedriger"}
    for t in table:
        g, k = group[t["indicator_id"], t["period"]], kreis_of[t["indicator_id"], t["period"]]
        assert (float(g["value"]), float(g["lower"]), float(g["upper"])) == (float(t["median"]), float(t["p25"]), float(t["p75"]))
        assert g["area_id"] == "VK15085" and float(k["value"]) == float(t["value"]) and k["comparison"] == words[t["position"]]
    care = {r["period"]: r for r in rows if r["indicator_id"] == "pflegebeduerftige_erwartet"}
    count = [r for r in rows if r["indicator_id"] == "pflegebeduerftige" and r["area_id"] == "15085"]
    base = max(count, key=lambda r: r["period"])
    assert sorted(care) == [base["period"][:4], "2025", "2030", "2035"]
    assert float(care[base["period"][:4]]["value"]) == float(base["value"])
    for year in ("2025", "2030", "2035"):
        assert float(care[year]["lower"]) <= float(care[year]["value"]) <= float(care[year]["upper"])
    kita = {r["period"]: float(r["value"]) for r in rows if r["indicator_id"] == "kinder_kitaalter" and r["area_id"] == "15085"}
    assert sorted(kita) == [str(y) for y in range(2020, 2036)]
    gemeinden = [r for r in rows if r["indicator_id"] == "kinder_kitaalter" and r["area_level"] == "gemeinde"]
    assert {r["period"] for r in gemeinden} == {"2020", "2025", "2030", "2035"}
    assert sum(float(r["value"]) for r in gemeinden if r["period"] == "2020") == kita["2020"]  # the Gemeinden add up


def test_markdown_twin_executed_notebook_and_manifest(e2e_project):
    md = _report(e2e_project, "sozialbericht.md").read_text(encoding="utf-8")
    assert md.startswith("---\n") and "title: Sozialbericht Landkreis Harz 2020" in md
    assert "jupyter:" not in md and "import " not in md  # no notebook metadata, no code
    assert "\\#" not in md  # no heading glued to the line before it (shown as "#### …" text)
    flat = md.replace("\u00a0", " ")
    assert "| Bevölkerungsveränderung seit 2015 | −4,7 % | −2,9 % | +0,8 % |" in flat  # changes carry their sign
    assert (e2e_project / "results/work/2020/harz/harz/notebook/sozialbericht.ipynb").exists()
    manifest = json.loads(_report(e2e_project, "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["path"]: i for i in manifest["inputs"]}
    raw = e2e_project / "data/raw/national/genesis/12411-0018.csv"
    assert inputs["data/raw/national/genesis/12411-0018.csv"]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert manifest["engine"] in ("pandoc", "quarto")


def test_second_run_has_nothing_to_do(e2e_project):
    proc = run_workflow(e2e_project, "--dry-run")
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_touched_but_unchanged_inputs_rerun_nothing(e2e_project, tmp_path):
    """Reruns follow content, not modification times: a copied or touched raw file changes nothing."""
    import os
    import time

    project = copy_tree(e2e_project, tmp_path / "touched")
    later = time.time() + 3600
    for path in (project / "data/raw").rglob("*"):
        if path.is_file():
            os.utime(path, (later, later))
    proc = run_workflow(project, "--dry-run")
    assert proc.returncode == 0 and "Nothing to be done" in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-2000:]


def test_deleted_input_stops_the_run_with_its_name(e2e_project, tmp_path):
    project = copy_tree(e2e_project, tmp_path / "deleted")
    (project / "data/raw/national/genesis/22411-02-03-4.csv").unlink()
    proc = run_workflow(project)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "data/raw/national/genesis/22411-02-03-4.csv" in output and "Eingabedateien fehlen" in output
    assert "Traceback" not in output
    assert (project / "reports/harz/2020/sozialbericht.html").exists()  # the published report stays


def test_damaged_input_stops_the_run_and_keeps_the_published_report(e2e_project, tmp_path):
    e2e_project = copy_tree(e2e_project, tmp_path / "damaged")
    html = _report(e2e_project, "sozialbericht.html")
    before = hashlib.sha256(html.read_bytes()).hexdigest()
    raw = e2e_project / "data/raw/national/genesis/13211-02-05-4.csv"
    raw.write_bytes(raw.read_bytes()[:100_000])  # a download cut off mid-file
    proc = run_workflow(e2e_project)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "data/raw/national/genesis/13211-02-05-4.csv" in output and "abgeschnitten" in output
    assert "nichts wurde veröffentlicht" in output
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
    # the ranks of the social index's robustness table are no counts (rank 1 is the first Gemeinde)
    md_or_html = re.sub(r'<table id="tbl-sozialindex-robustheit".*?</table>', "", md_or_html, flags=re.S)
    md_or_html = re.sub(r"(?:^\|[^\n]*\n)+\n: [^\n]*\{#tbl-sozialindex-robustheit\}", "", md_or_html, flags=re.M)
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
        count_cols = [j for j, h in enumerate(header) if h and ("(Anzahl)" in str(h) or h == "Wert")]
        unit_col = header.index("Einheit") if "Einheit" in header else None
        for r in rows_x[1:]:
            for j in count_cols:
                if unit_col is None or r[unit_col] == "Anzahl":
                    assert r[j] not in (1, 2, 1.0, 2.0), (ws.title, r)
    gemeinden = sorted({r["area_name"].split(",")[0] for r in rows if r["area_level"] == "gemeinde"}, key=len, reverse=True)
    for page in _pdf_text(e2e_project):
        for name in gemeinden:
            # a rate that differs from the Kreis value carries ▲ or ▼: the row's counts after it are read too
            for row in re.findall(re.escape(name) + r"((?: (?:[\d.,−+]+|[./–▲▼]))+)", page):
                assert not re.search(r"(?<![\d,.])[12](?![\d,.])", row.replace(" .", " ")), (name, row)


def test_tables_workbook_is_one_planners_can_use(e2e_project):
    """tabellen.xlsx: German headers, counts as integers and rates with their decimals, reference
    dates as dates, autofilter, Kreis / Land / Sozialräume / Gemeinden apart, sources with
    licences, and every synthetic value marked."""
    from datetime import datetime

    from openpyxl import load_workbook

    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wb = load_workbook(_report(e2e_project, "tabellen.xlsx"))
    assert wb.sheetnames == [
        "Hinweise",
        "Kreis, Land, Bund",
        "Kreise des Landes",
        "Sozialräume",
        "Gemeinden",
        "Sozialindex Gewichte",
        "Sozialindex Robustheit",
        "Vergleichskreise",
        "Vergleichskreise Liste",
        "Bedarfe",
        "Zeitreihen",
        "Quellen",
        "Zeichenerklärung",
    ]
    notes = {r[0]: r[1] for r in wb["Hinweise"].iter_rows(values_only=True)}
    assert "SYNTHETISCHEN BEISPIELDATEN" in notes["Achtung"] and notes["Datenstand"].startswith("Bevölkerung 31.12.2020")
    for ws in wb.worksheets[1:]:
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert not [h for h in next(ws.iter_rows(values_only=True)) if h and re.fullmatch(r"[a-z_]+", h)], ws.title

    top = wb["Kreis, Land, Bund"]
    assert [r[0].value for r in top.iter_rows(min_row=2)] == ["15085", "15", "DG"]  # no Sozialraum among them
    population = top.cell(row=2, column=3)
    assert top.cell(row=1, column=3).value == "Bevölkerung (Anzahl), 31.12.2020"
    assert population.value == 210975 and isinstance(population.value, int) and population.number_format == "#,##0"
    header = [c.value for c in top[1]]
    rate = top.cell(row=2, column=header.index("Arbeitslosenquote (%), 2020") + 1)
    assert round(rate.value, 1) == 6.1 and rate.number_format == "#,##0.0"
    assert {r[0].value for r in wb["Sozialräume"].iter_rows(min_row=2)} == {
        r["area_id"] for r in rows if r["area_level"] == "sozialraum"
    }
    names = [r[1].value for r in wb["Gemeinden"].iter_rows(min_row=2)]
    assert names == sorted(names, key=str.casefold) and len(names) == len(
        {r["area_id"] for r in rows if r["area_level"] == "gemeinde"}
    )

    series = list(wb["Zeitreihen"].iter_rows(min_row=2))
    assert len(series) == len(rows)
    for cells, row in zip(series, rows):
        stichtag, synthetic = cells[5].value, cells[12].value
        if len(row["period"]) == 10:
            assert isinstance(stichtag, datetime) and stichtag.strftime("%Y-%m-%d") == row["period"]
            assert cells[5].number_format == "DD.MM.YYYY"
        assert synthetic == ("ja" if row["synthetic"] == "True" else "nein")
        assert (cells[11].value or "") == row["comparison"]
        if row["lower"]:
            assert cells[9].value == (round(float(row["lower"])) if row["unit"] == "Anzahl" else float(row["lower"]))
    sources = {r[1]: r for r in wb["Quellen"].iter_rows(min_row=2, values_only=True)}
    assert "dl-de/by-2-0" in sources["bevoelkerung"][6] and "12411-0018" in sources["bevoelkerung"][4]
    assert sources["gem_bevoelkerung"][8] == "nein" and sources["kl_sgb2_quote"][8] == "ja"


def test_open_data_beside_the_report(e2e_project):
    """gemeinden.geojson (RFC 7946: WGS 84, every Gemeinde with its values and the synthetic flag)
    and metadaten.jsonld (DCAT-AP.de: datasets, the Kreis, licence, attribution, and a checksum
    that matches every published file)."""
    with _report(e2e_project, "indikatoren.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["area_level"] == "gemeinde"]
    geo = json.loads(_report(e2e_project, "gemeinden.geojson").read_text(encoding="utf-8"))
    assert "crs" not in geo and len(geo["features"]) == len({r["area_id"] for r in rows}) == 20
    latest = max(r["period"] for r in rows if r["indicator_id"] == "gem_bevoelkerung")
    population = {
        r["area_id"]: float(r["value"]) for r in rows if r["indicator_id"] == "gem_bevoelkerung" and r["period"] == latest
    }
    for f in geo["features"]:
        ring = f["geometry"]["coordinates"][0] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"][0][0]
        assert all(10.5 < lon < 11.6 and 51.5 < lat < 52.1 for lon, lat in ring), f["properties"]["name"]  # the Harz, lon/lat
        assert f["properties"]["gem_bevoelkerung"] == population[f["properties"]["ars"]]
    meta = geo["indikatoren"]
    assert meta["gem_bevoelkerung"]["synthetisch"] is False and meta["kl_kinderarmut"]["synthetisch"] is True
    assert meta["gem_bevoelkerung"]["stichtag"] == latest
    newest = max(r["period"] for r in rows if r["indicator_id"] == "kl_kinderarmut")
    poverty = {r["area_id"]: r for r in rows if r["indicator_id"] == "kl_kinderarmut" and r["period"] == newest}
    for f in geo["features"]:  # the interval and the flag against the Kreis beside the value
        p, r = f["properties"], poverty[f["properties"]["ars"]]
        assert p.get("kl_kinderarmut_vergleich", "") == r["comparison"]
        if r["lower"]:
            assert p["kl_kinderarmut_untergrenze"] <= p["kl_kinderarmut"] <= p["kl_kinderarmut_obergrenze"]
    assert "_vergleich" in geo["hinweise"]

    catalog = json.loads(_report(e2e_project, "metadaten.jsonld").read_text(encoding="utf-8"))
    datasets = {d["dct:identifier"]: d for d in catalog["@graph"] if d["@type"] == "dcat:Dataset"}
    assert set(datasets) == {"harz-2020-indikatoren", "harz-2020-bericht"}
    published = set()
    for d in datasets.values():
        assert d["dct:spatial"]["@id"].endswith("/districtKey/15085") and "synthetischen Beispieldaten" in d["dct:description"]
        assert "GeoBasis-DE / BKG" in d["dcatde:licenseAttributionByText"]
        for dist in d["dcat:distribution"]:
            name = dist["dcat:downloadURL"]["@id"]
            published.add(name)
            assert (
                dist["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(_report(e2e_project, name).read_bytes()).hexdigest()
            )
            assert dist["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    receipts = {f"traeger/{p.name}" for p in _report(e2e_project, "traeger").iterdir()}
    assert len(receipts) >= 6  # the providers' receipts, HTML and PDF
    receipts |= {f"beteiligung/{p.name}" for p in _report(e2e_project, "beteiligung").iterdir()}  # the participants' notes
    assert (
        published
        == {
            "indikatoren.csv",
            "tabellen.xlsx",
            "gemeinden.geojson",
            "sozialbericht.html",
            "sozialbericht.pdf",
            "sozialbericht.md",
        }
        | receipts
    )


def test_planner_texts_replace_a_chapter_and_add_one(e2e_project, tmp_path):
    """A district replaces a chapter text and adds its own chapter in its configuration; a wrong
    placeholder stops with a German message naming the template file and line."""
    project = copy_tree(e2e_project, tmp_path / "texts")
    texts = project / "texte"
    texts.mkdir()
    (texts / "arbeit.md").write_text(
        "Eigener Text: Die Arbeitslosenquote {{ kreis.des }} betrug {{ arbeitslosenquote.kreis.zahl }} %.\n", encoding="utf-8"
    )
    (texts / "fachplanung.md").write_text("Die Fachplanung Kita beginnt {{ jahr + 1 }}.\n", encoding="utf-8")
    district = project / "config/districts/harz.yaml"
    base = district.read_text(encoding="utf-8")
    district.write_text(
        base + "texte:\n  ersetzen: {arbeit: texte/arbeit.md}\n  kapitel:\n"
        "    - {id: fachplanung, titel: Fachplanung Kindertagesstätten, datei: texte/fachplanung.md, nach: arbeit}\n",
        encoding="utf-8",
    )
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    md = _report(project, "sozialbericht.md").read_text(encoding="utf-8")
    assert "Eigener Text: Die Arbeitslosenquote des Landkreises Harz betrug 6,1 %." in md.replace("\u00a0", " ")
    assert "Die Fachplanung Kita beginnt 2021." in md
    assert md.index("## Fachplanung Kindertagesstätten") > md.index("## Arbeit") > 0
    assert md.index("## Fachplanung Kindertagesstätten") < md.index("## Pflege")
    (texts / "fachplanung.md").write_text("Zeile eins.\nDer Wert {{ gibt_es_nicht.kreis }} fehlt.\n", encoding="utf-8")
    before = _report(project, "sozialbericht.md").read_bytes()
    proc = run_workflow(project)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "texte/fachplanung.md" in output and "Zeile 2" in output and "gibt_es_nicht" in output
    assert _report(project, "sozialbericht.md").read_bytes() == before


def test_other_kinds_of_district_by_their_key_alone(e2e_project, tmp_path):
    """A kreisfreie Stadt, a Stadtstaat, a Kreis formed by a Kreis reform (Göttingen 2016) and a
    Kreis with more than 200 Gemeinden (Eifelkreis Bitburg-Prüm), by their Kreisschlüssel only (no
    file), and the example district with `synthetic: false`."""
    project = copy_tree(e2e_project, tmp_path / "kinds")
    district = project / "config/districts/harz.yaml"
    district.write_text(district.read_text(encoding="utf-8").replace("synthetic: true", "synthetic: false"), encoding="utf-8")
    proc = run_workflow(project, "--config", "districts=['harz','15002','11000','03159','07232']")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]

    def md(district_id):
        return (
            (project / "reports" / district_id / "2020" / "sozialbericht.md").read_text(encoding="utf-8").replace("\u00a0", " ")
        )

    harz = md("harz")
    assert "## Gemeinden im Vergleich" in harz and "Synthetische Beispieldaten" not in harz  # real own data: no label
    halle = md("halle-saale")
    assert "title: Sozialbericht Stadt Halle (Saale) 2020" in halle
    assert "gibt es nur eine Gemeinde, die Stadt selbst" in halle and "wuchs keine Gemeinde" not in halle
    assert "Sterbetafel des Landes Sachsen-Anhalt" in halle and "Modellrechnung der Stadt" in halle
    berlin = md("berlin")
    assert "in Berlin" in berlin and "FamBeFöG" not in berlin and "Sterbetafel des Landes Berlin" in berlin
    assert "des Kreises" not in berlin and "(Land Berlin:" not in berlin
    assert "Sachsen-Anhalt" not in berlin
    goettingen = md("goettingen")
    assert "ist der Landkreis Osterode am Harz Teil des Landkreises Göttingen" in goettingen  # the Kreis merged into it in 2016
    eifel = md("eifelkreis-bitburg-pruem")
    gemeinden = re.search(r"gibt es (\d+) Gemeinden in (\d+) Gemeindeverbänden", eifel)
    assert gemeinden and int(gemeinden.group(1)) > 200 and 3 <= int(gemeinden.group(2)) < 20, gemeinden
    assert "Rheinland-Pfalz" in eifel and "Sachsen-Anhalt" not in eifel
    annex = eifel[eifel.index("# Anhang") if "# Anhang" in eifel else 0 :]
    assert "Prüm" in annex and "Bitburg" in annex  # the full Gemeinde table is in the annex
    for text in (harz, halle, berlin, goettingen, eifel):
        assert "Traceback" not in text and "nan" not in text.lower().split()
        assert "\\#" not in text  # every heading is a heading
    from sozialbericht.tools.pagecheck import check_tree

    _, pages, defects = check_tree(project / "reports")  # every page of every kind of Kreis
    assert pages > 80 and defects == [], "\n".join(map(str, defects[:20]))

    # the file init-district writes for a Kreis reformed in 2016 builds the same report as no file
    from sozialbericht.tools.cli import main

    before = {
        name: (project / "reports/goettingen/2020" / name).read_text(encoding="utf-8")
        for name in ("sozialbericht.md", "indikatoren.csv")
    }
    assert main(["kreis-anlegen", "03159", "--root", str(project)]) == 0
    assert "former_kreise" in (project / "config/districts/goettingen.yaml").read_text(encoding="utf-8")
    proc = run_workflow(project, "--config", "districts=['goettingen']")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    after = {name: (project / "reports/goettingen/2020" / name).read_text(encoding="utf-8") for name in before}
    assert after["indikatoren.csv"] == before["indikatoren.csv"]
    stamp = re.compile(r"^versionsstempel: .*$", re.M)  # names the configuration's checksum
    assert stamp.sub("", after["sozialbericht.md"]) == stamp.sub("", before["sozialbericht.md"])


def test_every_kreis_gets_its_indicator_table(e2e_project, tmp_path):
    """Every Kreis of the report year has its indicator table from the national data (the Kreis
    values of every indicator the Land and Germany have), and the district step builds it without
    an error for one Kreis of each Land and each kind; its population is the one of 12411-0018."""
    import pandas as pd
    import yaml

    from sozialbericht.compute import district
    from sozialbericht.core.config import load_project
    from sozialbericht.ingest.genesis import read_genesis_csv

    national = e2e_project / "results" / "national" / "2020"
    kreise = pd.read_csv(national / "kreise.csv", dtype=str)
    current = kreise[kreise["im_berichtsjahr"] == "True"]
    assert len(current) == 401  # 31.12.2020: Eisenach still a kreisfreie Stadt
    raw = read_genesis_csv(e2e_project / "data/raw/national/genesis/12411-0018.csv")
    raw = raw[raw["period"] == "2020-12-31"].groupby("area_id")["value"].sum()
    tables = {
        land: pd.read_csv(national / "laender" / f"{land}.csv", dtype={"area_id": str}) for land in current["land"].unique()
    }
    for kreis in current["kreis"]:
        assert (national / "kreise" / kreis / "indikatoren.csv").exists(), kreis
        table = tables[kreis[:2]]
        year = table[table["period"].str[:4] == "2020"]
        expected = set(year.loc[year["area_id"] == "DG", "indicator_id"])
        have = year[(year["area_id"] == kreis) & (year["value"].notna() | (year["flag"].fillna("") != ""))]
        assert expected <= set(have["indicator_id"]), (kreis, expected - set(have["indicator_id"]))
        population = have.loc[have["indicator_id"] == "bevoelkerung", "value"].item()
        assert population == raw[kreis], kreis

    config = yaml.safe_load((e2e_project / "config/config.yaml").read_text(encoding="utf-8"))
    sample = sorted({*current.groupby("land")["kreis"].first(), *current.groupby("typ")["kreis"].last(), "07232", "16063"})
    config["districts"] = sample
    project = load_project(config, e2e_project)
    planning = {
        k: project.config[k] for k in ("social_index", "projection", "counselling", "disclosure", "report") if k in project.config
    }
    for did, cfg in project.districts.items():
        district.build(
            district.DistrictInputs(cfg),
            district.YearInputs(2020, national, project.catalogue, project.datasets, project.laender, planning),
            tmp_path / did,
        )
        result = pd.read_csv(tmp_path / did / "indikatoren.csv", dtype={"area_id": str})
        own = result[(result["area_id"] == cfg["kreis"]) & (result["indicator_id"] == "bevoelkerung")]
        assert own.loc[own["period"] == "2020-12-31", "value"].item() == raw[cfg["kreis"]], did
        pop = result[result["indicator_id"] == "gem_bevoelkerung"]
        gemeinden = pop[pop["area_level"] == "gemeinde"]
        assert len(gemeinden) and gemeinden["area_id"].str[:5].eq(cfg["kreis"]).all(), did
        kreis_total = pop[pop["area_id"] == cfg["kreis"]].set_index("period")["value"]
        assert gemeinden.groupby("period")["value"].sum().equals(kreis_total.loc[sorted(gemeinden["period"].unique())]), did
        # the projection tables add up: planning groups to the total, Gemeinden to the Kreis, every year and variant
        prog = pd.read_csv(tmp_path / did / "prognose.csv").pivot_table(
            index=["variant", "year"], columns="group", values="value"
        )
        groups = [g for g in prog.columns if g not in ("insgesamt", "65 Jahre und älter")]
        assert (prog[groups].sum(axis=1) == prog["insgesamt"]).all(), did
        assert (prog["65 bis 79 Jahre"] + prog["80 Jahre und älter"] == prog["65 Jahre und älter"]).all(), did
        if (tmp_path / did / "prognose_gemeinden.csv").exists():
            gem = pd.read_csv(tmp_path / did / "prognose_gemeinden.csv", dtype={"area_id": str})
            by_year = gem[gem["group"] == "insgesamt"].groupby("year")["value"].sum()
            assert by_year.equals(prog.loc["mittel", "insgesamt"].loc[by_year.index].astype(by_year.dtype)), did


def _int(cell: str) -> int:
    return int(cell.replace(".", ""))


def test_projection_tables_in_the_report_add_up(e2e_project):
    """The printed projection tables add up as a planner adds them: in the Kreis table the planning
    groups give "insgesamt" in every year; in the Gemeinde table each Gemeinde's groups give its
    total, and the Gemeinden give the Kreis row, in every column. Every Gemeinde has its own change."""
    md = _report(e2e_project, "sozialbericht.md").read_text(encoding="utf-8")
    header, *rows = md_table(md, "tbl-prognose")
    by_group = {r[0]: r for r in rows}
    groups = [r for r in rows if r[0] not in ("insgesamt", "darunter 65 Jahre und älter")]
    assert len(groups) == 7
    for col in range(1, len(header) - 1):  # the years
        assert sum(_int(r[col]) for r in groups) == _int(by_group["insgesamt"][col]), header[col]
    header, *rows = md_table(md, "tbl-prognose-gemeinden")
    kreis, gemeinden = rows[-1], rows[:-1]
    assert len(gemeinden) == 20 and kreis[0] == "Harz"
    parts = [i for i, h in enumerate(header) if h.endswith(" 2035") and "insgesamt" not in h and "65 Jahre und älter" not in h]
    total = header.index("insgesamt 2035")
    assert len(parts) == 7
    for row in gemeinden:
        assert sum(_int(row[i]) for i in parts) == _int(row[total]), row[0]
    for col in range(1, len(header) - 1):
        assert sum(_int(r[col]) for r in gemeinden) == _int(kreis[col]), header[col]
    assert _int(kreis[total]) == _int(by_group["insgesamt"][-2])  # the Kreis table's 2035
    changes = {r[-1] for r in gemeinden}
    assert len(changes) >= 5, changes  # growing and shrinking Gemeinden differ, not one rate for all


def test_make_backtest_prints_the_table_with_its_targets(e2e_project):
    """`make backtest` (the command of the Makefile, on the example's national data) prints the
    back-test of every Kreis with its targets; its "constant population" baseline equals the one a
    planner computes from the source table 12411-0018 (median over the Kreise of |P2017/P2020 − 1|)."""
    import statistics
    import subprocess
    import sys

    from conftest import ROOT

    from sozialbericht.ingest.genesis import read_genesis_csv

    venv = Path(sys.executable).parent.parent
    dry = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), "-o", f"{venv}/.installed", "backtest", f"VENV={venv}"],
        cwd=e2e_project,
        capture_output=True,
        text=True,
        check=True,
    )
    command = next(line for line in dry.stdout.splitlines() if "snakemake" in line)
    proc = subprocess.run(command, shell=True, cwd=e2e_project, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (e2e_project / "results/benchmarks/backtest.md").read_text(encoding="utf-8")
    assert text.count("Ziele (Median des absoluten Fehlers)") == 2
    design = text[text.index("## Kreise: Basis 31.12.2017") :]
    row = next(line for line in design.splitlines() if line.startswith("| insgesamt |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "401"
    raw = read_genesis_csv(e2e_project / "data/raw/national/genesis/12411-0018.csv")
    totals = raw.groupby(["area_id", "period"])["value"].sum().unstack()
    both = totals[["2017-12-31", "2020-12-31"]].dropna()
    expected = statistics.median((abs(both["2017-12-31"] / both["2020-12-31"] - 1) * 100).tolist())
    assert cells[4] == f"{expected:.2f} %".replace(".", ",")
