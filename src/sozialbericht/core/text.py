"""Decoding of text files as the statistical offices publish them."""

from __future__ import annotations

import re
from pathlib import Path

from sozialbericht.core.errors import InputError


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


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def read_document(path: str | Path, what: str = "Text") -> str:
    """A text from outside (a statement, a chapter text) decoded only where the encoding is
    unambiguous: UTF-8 with or without BOM, or else Windows-1252. Anything else is refused naming
    the file (``InputError``), never guessed: a file with NUL bytes (UTF-16, a Word or PDF file),
    bytes Windows-1252 does not define, or a mix of UTF-8 sequences and other bytes (re-saved
    partly in another editor, where either reading would garble part of the text)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            path, f"{what} nicht lesbar ({type(exc).__name__})", hint="den Pfad in der Kreiskonfiguration prüfen"
        ) from None
    hint = "die Datei im Editor öffnen und als „UTF-8“ speichern (Word: „Nur Text“, Codierung Unicode UTF-8)"
    if b"\x00" in raw:
        raise InputError(
            path,
            f"{what} ist keine Textdatei (z. B. UTF-16, Word- oder PDF-Datei)",
            found=raw[:16],
            expected="Markdown-Text in UTF-8",
            hint=hint,
        )
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        if raw.startswith(b"\xef\xbb\xbf") or _UTF8_SEQUENCE.search(body):
            text = None  # marked or partly UTF-8: a Windows-1252 reading would garble the UTF-8 part
        else:
            try:
                text = body.decode("cp1252")
            except UnicodeDecodeError as err:
                text, bad = None, err.start
        if text is None:
            line = body[:bad].count(b"\n") + 1
            raise InputError(
                path,
                f"{what}: Zeichenkodierung nicht eindeutig (weder UTF-8 noch Windows-1252)",
                where=f"Zeile {line}",
                found=body[max(bad - 10, 0) : bad + 10],
                expected="UTF-8 (mit oder ohne BOM) oder Windows-1252",
                hint=hint,
            ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
