"""Page check on real PDFs written by PyMuPDF: overprinted words and text outside the page are found."""

from __future__ import annotations

import pymupdf
import pytest

from sozialbericht.tools.cli import main
from sozialbericht.tools.pagecheck import check_pdf


def _pdf(path, texts):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)  # A4
    for point, text in texts:
        page.insert_text(point, text, fontsize=10)
    doc.save(path)
    return path


def test_clean_page_has_no_defects(tmp_path):
    pdf = _pdf(tmp_path / "gut.pdf", [((72, 100), "Gemeinde Einwohner"), ((72, 120), "Ballenstedt 8.787")])
    pages, defects = check_pdf(pdf)
    assert pages == 1 and defects == []


def test_overprinted_words_are_found(tmp_path):
    # a number printed into a Gemeinde name, as in "Ballenste8.787dt"
    pdf = _pdf(tmp_path / "schlecht.pdf", [((72, 100), "Ballenstedt"), ((100, 100), "8.787")])
    _, defects = check_pdf(pdf)
    assert len(defects) == 1
    assert "„Ballenstedt“ und „8.787“ überdrucken sich" in str(defects[0]) and "Seite 1" in str(defects[0])


def test_text_outside_printable_area_is_found(tmp_path):
    pdf = _pdf(tmp_path / "rand.pdf", [((560, 100), "Landkreis"), ((72, 120), "innen")])
    _, defects = check_pdf(pdf)
    assert [d.message.split("“")[0] for d in defects] == ["„Landkreis"]
    assert "außerhalb des druckbaren Bereichs" in defects[0].message


@pytest.mark.parametrize(
    ("name", "texts", "code"), [("gut", [((72, 100), "Text")], 0), ("schlecht", [((72, 100), "AB"), ((75, 100), "CD")], 1)]
)
def test_cli_exit_code_and_summary(tmp_path, capsys, name, texts, code):
    _pdf(tmp_path / f"{name}.pdf", texts)
    assert main(["seitenpruefung", str(tmp_path)]) == code
    assert "Seitenprüfung: 1 PDF-Dateien, 1 Seiten" in capsys.readouterr().out


def _cells(path, texts, size):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for point, text in texts:
        page.insert_text(point, text, fontsize=size)
    doc.save(path)
    return path


@pytest.mark.parametrize(
    ("lines", "size", "found"),
    [
        (["Fäl-", "le"], 8, ["„Fäl-le“ ist in einer Tabellenzelle getrennt"]),  # a header cut by hyphenation
        (["Ge-", "meinde"], 7, ["„Ge-meinde“ ist in einer Tabellenzelle getrennt"]),
        (["Schwangerschafts-", "und"], 8, []),  # the first part of a compound, not a cut
        (["Ehe-,", "Familien-,"], 8, []),
        (["Einwoh-", "ner"], 10, []),  # body text is hyphenated on purpose
        (["Fäl-", "Le"], 8, []),  # goes on in capitals: a new word
    ],
)
def test_words_cut_inside_table_cells_are_found(tmp_path, lines, size, found):
    pdf = _cells(tmp_path / "zelle.pdf", [((72, 100 + i * size * 1.2), text) for i, text in enumerate(lines)], size)
    _, defects = check_pdf(pdf)
    assert [d.message.split(" (")[0] for d in defects] == found
