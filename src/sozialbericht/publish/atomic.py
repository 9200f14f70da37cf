"""Atomic publication of a report version: ``reports/<district>/<year>/`` is replaced as a whole.

The new version is assembled in a hidden sibling folder and swapped in with two renames on the
same file system. An interrupted run leaves either the old or the new complete version; leftovers
of an interrupted swap are repaired at the start of the next publication.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from sozialbericht.core.checksums import sha256


def _recover(target: Path) -> None:
    parent = target.parent
    olds = sorted(parent.glob(f".{target.name}.old-*"))
    if not target.exists() and olds:
        os.replace(olds[-1], target)  # the swap was interrupted after the first rename
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{target.name}.tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def publish(files: dict[str, Path], target: Path, manifest: dict) -> dict:
    """Copy ``files`` (published name → source) plus ``manifest.json`` into ``target`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _recover(target)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    tmp.mkdir()
    for name, src in sorted(files.items()):
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # receipts: traeger/<kennung>.html
        shutil.copyfile(src, tmp / name)
    manifest = {
        **manifest,
        "outputs": {name: {"size": (tmp / name).stat().st_size, "sha256": sha256(tmp / name)} for name in sorted(files)},
    }
    (tmp / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return manifest
