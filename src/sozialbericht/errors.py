"""Errors for humans: every input problem names the file, the place, what was found and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """A problem in an input file or config value that the user must fix.

    ``where`` is a line, row, area or key ("Zeile 12", "area 15085"); ``column`` the column or
    variable; ``found`` the offending value; ``expected`` what would have been accepted.
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
            parts.append(f"  where:    {self.where}")
        if self.column:
            parts.append(f"  column:   {self.column}")
        if self.found is not None:
            shown = repr(self.found)
            parts.append(f"  found:    {shown[:200]}")
        if self.expected:
            parts.append(f"  expected: {self.expected}")
        if self.hint:
            parts.append(f"  hint:     {self.hint}")
        return "\n".join(parts)


class ValidationFailed(Exception):
    """One or more data expectations failed; ``failures`` holds one readable line each."""

    def __init__(self, dataset: str, failures: list[str]):
        self.dataset = dataset
        self.failures = failures
        super().__init__(
            f"{dataset}: {len(failures)} expectation(s) failed\n" + "\n".join(f"  - {f}" for f in failures)
        )
