"""A corpus of hostile provider workbooks (issue 23), built from a valid workbook of the data
standard: what a provider's file could do to the pipeline, one attack per file.

Used by tests/unit/ingest/test_hostile_inputs.py, tests/e2e/test_hostile_example.py and
benchmarks/run_benchmark.py; also a script:
``python tests/hostile_workbooks.py <valid workbook> <out folder> [--full]`` writes the corpus
(``--full``: the sizes of the issue – a part inflating to 3 GiB and a million rows – instead of
the smaller ones that already exceed the default limits).
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl

#: hostile file → what the provider learns (every one of them is left out)
REFUSED = {
    "zip_bombe": ["entpackt sich zu mehr als 50 MB"],
    "riesiger_bereich": ["„Faelle“ ist zu groß", "1048576 Zeilen × 16384 Spalten"],
    "million_zeilen": ["„Faelle“ ist zu groß", "höchstens 100000 Zeilen"],
    "beschaedigtes_blatt": ["„Faelle“ ist beschädigt"],
    "anzahl_250000": ["Zeile 2", "anzahl", "mehr, als die Gemeinde Einwohner hat"],
    "anzahl_1e23": ["Zeile 3", "„anzahl“", "keine Fallzahl"],
}

#: The parts of the workbook written by ``counselling.template.write_workbook`` (Erläuterung, Traeger, …).
TRAEGER, FAELLE = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"


def _rewrite(src: Path, dst: Path, part: str, write) -> Path:
    """Copy ``src`` to ``dst`` with ``part`` replaced: ``write(original bytes, stream)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != part:
                zout.writestr(info, data)
                continue
            part_info = zipfile.ZipInfo(info.filename, info.date_time)
            part_info.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(part_info, "w", force_zip64=True) as out:
                write(data, out)
    return dst


def _insert(data: bytes, out, produce) -> None:
    head, tail = data.split(b"</sheetData>")
    out.write(head)
    produce(out)
    out.write(b"</sheetData>" + tail)


def zip_bomb(src: Path, dst: Path, megabytes: int) -> Path:
    """The Faelle sheet padded with whitespace between its elements: a few hundred kB on disk,
    ``megabytes`` unpacked (valid XML all the same)."""
    block = b" " * (1 << 20)

    def pad(out):
        for _ in range(megabytes):
            out.write(block)

    return _rewrite(src, dst, FAELLE, lambda data, out: _insert(data, out, pad))


def stray_cell(src: Path, dst: Path) -> Path:
    """One cell in the last cell of a sheet (XFD1048576): the used range becomes the whole sheet."""
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite(src, dst, FAELLE, lambda data, out: _insert(data, out, lambda o: o.write(cell)))


def many_rows(src: Path, dst: Path, rows: int) -> Path:
    """The Faelle sheet with ``rows`` more rows (one cell each) after the real cases."""

    def add(out):
        batch = []
        for n in range(2_000, 2_000 + rows):
            batch.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n))
            if len(batch) == 10_000:
                out.write(b"".join(batch))
                batch = []
        out.write(b"".join(batch))

    return _rewrite(src, dst, FAELLE, lambda data, out: _insert(data, out, add))


def damaged_sheet(src: Path, dst: Path) -> Path:
    """The Faelle sheet cut in the middle of a cell (the zip container itself is intact)."""
    return _rewrite(src, dst, FAELLE, lambda data, out: out.write(data[: len(data) // 2]))


def edited(src: Path, dst: Path | None, sheet: str, changes: dict[str, object]) -> Path:
    """A copy with cells changed (``{"B2": value}``), saved by openpyxl like a provider's Excel
    (``dst`` None: ``src`` itself)."""
    dst = dst or src
    wb = openpyxl.load_workbook(src)
    for ref, value in changes.items():
        wb[sheet][ref] = value
    wb.save(dst)
    return dst


def meta_row(src: Path, field: str) -> int:
    """The row of ``field`` (Träger, Kennung, Berichtsjahr …) in the Traeger sheet."""
    ws = openpyxl.load_workbook(src, read_only=True)["Traeger"]
    return next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == field)


def corpus(valid: Path, other: Path, out: Path, full: bool = False) -> dict[str, Path]:
    """The hostile files in ``out``: name → path. ``valid`` is a provider's workbook the attacks
    start from, ``other`` the workbook of another provider whose Kennung is forged."""
    out.mkdir(parents=True, exist_ok=True)
    anzahl = _column(valid, "anzahl")

    def own(suffix: str) -> dict:
        return {f"B{meta_row(valid, 'Träger')}": f"Träger {suffix}", f"B{meta_row(valid, 'Kennung')}": f"traeger-{suffix}"}

    files = {
        "zip_bombe": zip_bomb(valid, out / "zip_bombe.xlsx", 3 * 1024 if full else 120),
        "riesiger_bereich": stray_cell(valid, out / "riesiger_bereich.xlsx"),
        "million_zeilen": many_rows(valid, out / "million_zeilen.xlsx", 1_000_000 if full else 150_000),
        "beschaedigtes_blatt": damaged_sheet(
            edited(valid, out / "x3.tmp", "Traeger", own("x3")), out / "beschaedigtes_blatt.xlsx"
        ),
        # a provider of its own (own name and Kennung) with one absurd count
        "anzahl_250000": edited(
            edited(valid, out / "anzahl_250000.xlsx", "Traeger", own("x1")), None, "Faelle", {f"{anzahl}2": 250_000}
        ),
        "anzahl_1e23": edited(
            edited(valid, out / "anzahl_1e23.xlsx", "Traeger", own("x2")), None, "Faelle", {f"{anzahl}3": 1e23}
        ),
        # sorts before the real file and claims its Kennung and year
        "0_falsche_kennung": edited(
            other, out / "0_falsche_kennung.xlsx", "Traeger", {f"B{meta_row(other, 'Kennung')}": _value(valid, "Kennung")}
        ),
        # A's own workbook (same Kennung) with the separator of the staged keys in its name: replaces A's file
        "name_mit_trenner": edited(
            valid, out / "name_mit_trenner.xlsx", "Traeger", {f"B{meta_row(valid, 'Träger')}": "Träger A | Suchtberatung"}
        ),
    }
    (out / "x3.tmp").unlink()
    shutil.copyfile(valid, out / "makros.xlsm")
    shutil.copyfile(valid, out / "GROSS.XLSX")
    (out / "faelle.csv").write_text("wohnort_ars;anzahl\n150850040040;5\n", encoding="utf-8")
    return files


def _column(path: Path, header: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)["Faelle"]
    first = next(ws.iter_rows(values_only=True))
    return openpyxl.utils.get_column_letter(list(first).index(header) + 1)


def _value(path: Path, field: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)["Traeger"]
    return next(str(r[1]) for r in ws.iter_rows(values_only=True) if r[0] == field)


if __name__ == "__main__":
    valid_path, target = Path(sys.argv[1]), Path(sys.argv[2])
    for name, path in corpus(valid_path, valid_path, target, "--full" in sys.argv).items():
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
