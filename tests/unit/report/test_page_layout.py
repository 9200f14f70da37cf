"""Tables of every width are set so that nothing prints over anything (report/filters/table-widths.lua):
real Pandoc and Typst (and Quarto where installed), read back word by word with the page check."""

from __future__ import annotations

import nbformat
import pymupdf
import pytest
from conftest import ROOT
from test_render import META

from sozialbericht.core.untrusted import md_text
from sozialbericht.report import render
from sozialbericht.tools.pagecheck import check_pdf

NAMES = ["Schwangerschafts(konflikt)beratung", "Oberharz am Brocken", "Falkenstein/Harz", "Harsleben / Harschlewe"]


def _table(ident: str, header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(md_text(h) for h in header) + " |", "|:---|" + "|".join("---:" for _ in header[1:]) + "|"]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: Tabelle {ident} {{#tbl-{ident}}}\n"


def _rows(columns: int, number: str, names: list[str] = NAMES) -> list[list[str]]:
    return [[name] + [number] * (columns - 1) for name in names]


#: narrow (portrait), many columns (smaller type), wide (landscape), very wide (landscape, small type)
TABLES = {
    "schmal": (["Gemeinde", "Einwohner", "Fälle"], _rows(3, "12.345")),
    "kopf": (["Gemeinde"] + [f"{a} bis {a + 4} Jahre 2035" for a in range(0, 55, 5)], _rows(12, "21.097", NAMES[1:])),
    "breit": (["Gemeinde"] + [f"Altersgruppe {a} Jahre 2035" for a in range(11)], _rows(12, "210.975")),
    "sehr-breit": (["Gemeinde"] + [str(2010 + a) for a in range(15)], _rows(16, "1.234.567")),
}


def _render(tmp_path, engine):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Tabellen\n\nText vor den Tabellen.")]
    for ident, (header, rows) in TABLES.items():
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "", outputs=[nbformat.v4.new_output("display_data", data={"text/markdown": _table(ident, header, rows)})]
            )
        )
        nb.cells.append(nbformat.v4.new_markdown_cell(f"Text nach der Tabelle {ident}."))
    (tmp_path / "work").mkdir()
    nbformat.write(nb, tmp_path / "work" / "sozialbericht.ipynb")
    out = render.render(
        tmp_path / "work" / "sozialbericht.ipynb",
        tmp_path / "work" / "figures",
        tmp_path / "render",
        tmp_path / "out",
        ["pdf"],
        META,
        engine,
        ROOT / "report",
        1_600_000_000,
        engine,
    )
    return out["outputs"]["pdf"]


ENGINES = ["pandoc", pytest.param("quarto", marks=pytest.mark.skipif(render.quarto_executable() is None, reason="Quarto fehlt"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_tables_of_every_width_print_without_overlap_and_lose_no_cell(tmp_path, engine):
    pdf = _render(tmp_path, engine)
    pages, defects = check_pdf(pdf)
    assert defects == [], "\n".join(map(str, defects))
    with pymupdf.open(pdf) as doc:
        words = [w[4] for page in doc for w in page.get_text("words")]
        landscape = [page.get_text() for page in doc if page.rect.width > page.rect.height]
        sizes = {
            span["text"].strip(): round(span["size"], 1)
            for page in doc
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
        }
        text = " ".join(words)
    for header, rows in TABLES.values():
        for cell in [*header, *(c for row in rows for c in row)]:
            for word in cell.split():
                assert word in words, (word, cell)  # every word of every cell, uncut
    # the portrait tables stay in the flow, the wide ones go on landscape pages
    assert not any("Tabelle schmal" in t or "Tabelle kopf" in t for t in landscape)
    assert any("Tabelle breit" in t for t in landscape) and any("Tabelle sehr-breit" in t for t in landscape)
    assert "Text nach der Tabelle sehr-breit." in text
    assert sizes["12.345"] == 8 and sizes["21.097"] == 7  # the table type, a point smaller where that fits
