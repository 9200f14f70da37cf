"""Build notebooks/sozialbericht.ipynb from notebooks/sozialbericht.py (cells separated by "# %%").

The .py file is the source a reviewer reads and diffs; the .ipynb is what papermill executes and
Quarto renders. Run ``python notebooks/build_notebook.py`` after editing the .py file; a test
checks that both agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).parent


def build(source: Path = HERE / "sozialbericht.py") -> nbformat.NotebookNode:
    text = source.read_text(encoding="utf-8")
    chunks = re.split(r"^# %%(.*)$", text, flags=re.M)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for header, body in zip(chunks[1::2], chunks[2::2]):
        cell = nbformat.v4.new_code_cell(body.strip("\n"))
        if "parameters" in header:
            cell.metadata["tags"] = ["parameters"]
        title = header.replace('tags=["parameters"]', "").strip()
        if title:
            cell.metadata["name"] = title
        cell["id"] = f"cell-{len(nb.cells) + 1}"  # stable ids: stable diffs
        nb.cells.append(cell)
    return nb


def write(nb: nbformat.NotebookNode, target: Path) -> None:
    text = nbformat.writes(nb, version=4)
    target.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")


if __name__ == "__main__":
    target = HERE / "sozialbericht.ipynb"
    if "--check" in sys.argv:
        text = nbformat.writes(build(), version=4)
        if target.read_text(encoding="utf-8").rstrip("\n") != text.rstrip("\n"):
            sys.exit("notebooks/sozialbericht.ipynb is out of date: run python notebooks/build_notebook.py")
        sys.exit(0)
    write(build(), target)
