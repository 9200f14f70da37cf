"""Executing the report notebook with papermill, keeping the executed copy free of run timestamps."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

_VOLATILE_CELL_KEYS = ("execution", "papermill")


def execute(template: Path, output: Path, parameters: dict) -> Path:
    """Run ``template`` with ``parameters`` (passed as data, never as code text from the user)
    in the output folder (figures are written next to the executed notebook)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(str(template), str(output), parameters=parameters, cwd=str(output.parent),
                               progress_bar=False, log_output=False, kernel_name="python3")
    strip_volatile(output)
    return output


def strip_volatile(path: Path) -> None:
    """Remove execution timestamps and durations so that reruns give identical notebooks."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        pm.pop(key, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
