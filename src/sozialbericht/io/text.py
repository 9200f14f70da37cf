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
        raise InputError(
            path, "Datei nicht gefunden", hint="den Pfad in config/datasets.yaml bzw. in der Kreiskonfiguration prüfen"
        ) from None
    if not raw.strip():
        raise InputError(
            path,
            "Datei ist leer",
            expected="eine Texttabelle, wie das Statistische Amt sie veröffentlicht",
            hint="die Tabelle erneut herunterladen",
        )
    if b"\x00" in raw[:4096]:
        raise InputError(
            path,
            "Datei ist binär, keine Texttabelle (z. B. eine Excel-Datei oder UTF-16)",
            found=raw[:16],
            expected="eine Textdatei mit Semikolon als Trennzeichen (CSV, UTF-8 oder ISO-8859-1)",
            hint="in Excel „Speichern unter → CSV UTF-8 (durch Trennzeichen getrennt)“ wählen",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
