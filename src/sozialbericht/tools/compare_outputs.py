"""Are two builds of the example the same for a reader? (``make compare-outputs BASE=<folder>``)

A restructuring of the code must not change what a user sees. This compares a saved copy of
``results/`` and ``reports/`` (``BASE``) with the current ones:

- the staged and national tables (``results/staged``, ``results/national``) byte by byte;
- every published file of every report: text files (Markdown, HTML, CSV, JSON, GeoJSON,
  JSON-LD) byte by byte after the code version is replaced by ``<code>`` (the one thing a code
  change is expected to change) and, in the manifest and the DCAT description, the checksums of
  the other files and their sizes (compared on their own) by ``<checksum>`` and ``<size>``; PDFs by their text per page, XLSX
  by the values of every cell.

Prints one line per difference and returns their number.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_TEXT = {".md", ".html", ".csv", ".json", ".geojson", ".jsonld", ".svg", ".txt", ".yaml"}


_CHECKSUM = re.compile(r'("(?:sha256|fingerprint|spdx:checksumValue|checksum)":\s*)"[0-9a-f]{16,64}"')


_SIZE = re.compile(r'("size":\s*|"dcat:byteSize":\s*\{[^}]*?"@value":\s*)"?\d+"?')


def _code_free(text: str, codes: set[str]) -> str:
    for code in sorted(codes, key=len, reverse=True):
        text = text.replace(code, "<code>")
    text = _CHECKSUM.sub(r'\1"<checksum>"', text)
    return _SIZE.sub(r"\1<size>", text)


def _codes(folder: Path) -> set[str]:
    """The code versions named in the manifests of a reports folder (with and without ``+dirty``)."""
    found = set()
    for manifest in folder.rglob("manifest.json"):
        found |= set(re.findall(r'"code":\s*"([^"]+)"', manifest.read_text(encoding="utf-8")))
    return found | {c.removesuffix("+dirty") for c in found}


def _pdf_pages(path: Path) -> list[str]:
    import pymupdf

    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def _xlsx_cells(path: Path) -> dict:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def compare_file(old: Path, new: Path, codes: set[str]) -> str | None:
    """Why two files differ for a reader, or None."""
    suffix = new.suffix.lower()
    if suffix in _TEXT:
        a, b = (_code_free(p.read_text(encoding="utf-8"), codes) for p in (old, new))
        if a != b:
            line = next(i for i, (x, y) in enumerate(zip(a.splitlines() + [""], b.splitlines() + [""])) if x != y)
            return f"Text ab Zeile {line + 1} verschieden"
    elif suffix == ".pdf":
        a, b = (_pdf_pages(p) for p in (old, new))
        if len(a) != len(b):
            return f"{len(a)} statt {len(b)} Seiten"
        pages = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if _code_free(x, codes) != _code_free(y, codes)]
        if pages:
            return f"Text der Seiten {pages} verschieden"
    elif suffix == ".xlsx":
        a, b = (_code_free(repr(_xlsx_cells(p)), codes) for p in (old, new))
        if a != b:
            return "Zellwerte verschieden"
    elif old.read_bytes() != new.read_bytes():
        return "Bytes verschieden"
    return None


def compare(base: Path, current: Path) -> list[str]:
    out = []
    codes = _codes(base / "reports") | _codes(current / "reports")
    for part, exact in (("results/staged", True), ("results/national", True), ("reports", False)):
        old_root, new_root = base / part, current / part
        old = {p.relative_to(old_root) for p in old_root.rglob("*") if p.is_file()}
        new = {p.relative_to(new_root) for p in new_root.rglob("*") if p.is_file()}
        out += [f"{part}/{p}: fehlt" for p in sorted(old - new)]
        out += [f"{part}/{p}: neu" for p in sorted(new - old)]
        for p in sorted(old & new):
            why = (
                ("Bytes verschieden" if (old_root / p).read_bytes() != (new_root / p).read_bytes() else None)
                if exact
                else compare_file(old_root / p, new_root / p, codes)
            )
            if why:
                out.append(f"{part}/{p}: {why}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="folder with a saved results/ and reports/")
    parser.add_argument("current", type=Path, nargs="?", default=Path("."), help="project folder (default: here)")
    args = parser.parse_args(argv)
    found = compare(args.base, args.current)
    print("\n".join(found) if found else "Keine Unterschiede außer der Code-Version.")
    return min(len(found), 1)


if __name__ == "__main__":
    sys.exit(main())
