"""Decoding of text files as the statistical offices publish them."""

from __future__ import annotations

from pathlib import Path

from sozialbericht.errors import InputError


def read_text(path: str | Path) -> str:
    """Return the file's text: UTF-8 (with or without BOM) or ISO-8859-1/Windows-1252, any line ending.

    GENESIS "Tabelle als CSV" comes as ISO-8859-1, the flat files as UTF-8 with BOM; users re-save
    files in other editors, so both are accepted. Binary content is rejected with a clear error.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found",
                         hint="check the path in config/datasets.yaml or the district config") from None
    if not raw.strip():
        raise InputError(path, "file is empty", expected="a text table as published by the statistical office")
    if b"\x00" in raw[:4096]:
        raise InputError(path, "file is binary, not a text table", found=raw[:16],
                         expected="a semicolon-separated text file (CSV)")
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
