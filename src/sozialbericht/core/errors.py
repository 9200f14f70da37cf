"""Errors for humans: every input problem names the file, the place, what was found and what was expected.

The messages are read by planners and by the staff of data providers, so they are German
("Datei: Problem", then Stelle, Spalte, gefunden, erwartet, Abhilfe). Log detail for developers
may stay English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """A problem in an input file or configuration value that the user must fix.

    ``where`` is a line, row, area or key ("Zeile 12", "Gebiet 15085", "Schlüssel 'kreis'");
    ``column`` the column or variable; ``found`` the offending value; ``expected`` what would
    have been accepted; ``hint`` how to fix it.
    """

    file: str | Path
    problem: str
    where: str | None = None
    column: str | None = None
    found: object | None = None
    expected: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.file}: {self.problem}"]
        if self.where:
            parts.append(f"  Stelle:   {self.where}")
        if self.column:
            parts.append(f"  Spalte:   {self.column}")
        if self.found is not None:
            shown = repr(self.found)
            parts.append(f"  gefunden: {shown[:300]}")
        if self.expected:
            parts.append(f"  erwartet: {self.expected}")
        if self.hint:
            parts.append(f"  Abhilfe:  {self.hint}")
        return "\n".join(parts)


class RenderError(RuntimeError):
    """A renderer failed; the message carries the renderer's own output."""


class ValidationFailed(Exception):
    """One or more data checks failed; ``failures`` holds one readable line each."""

    def __init__(self, dataset: str, failures: list[str]):
        self.dataset = dataset
        self.failures = failures
        super().__init__(f"{dataset}: {len(failures)} Prüfung(en) fehlgeschlagen\n" + "\n".join(f"  - {f}" for f in failures))


class RecordedFailure(ValidationFailed):
    """A failure an earlier job found and recorded in its output (a district's own data that did
    not pass), raised again, with the same text, where the data are needed."""

    #: Key of a job summary (JSON) that records such a failure: its full German message.
    KEY = "fehlgeschlagen"

    def __init__(self, text: str):
        self.dataset, self.failures = text.splitlines()[0], text.splitlines()[1:]
        Exception.__init__(self, text)

    @classmethod
    def check(cls, summary: dict) -> None:
        """Raise the failure ``summary`` records (nothing if it records none)."""
        if summary.get(cls.KEY):
            raise cls(summary[cls.KEY])
