"""Staging: raw national files → one tidy table per dataset (``results/staged/<dataset>.csv``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sozialbericht.errors import InputError
from sozialbericht.io import read_genesis_csv, read_genesis_ffcsv, read_gvisys, read_vg5000
from sozialbericht.tidy import TIDY_COLUMNS

READERS = {"genesis_csv": read_genesis_csv, "genesis_ffcsv": read_genesis_ffcsv, "gvisys": read_gvisys}
_TEXT_COLUMNS = {c: str for c in TIDY_COLUMNS if c not in ("value", "row")}


def check_layout(df: pd.DataFrame, spec: dict, path: str | Path) -> None:
    """Layout drift: every variable label the configuration renames must be in the file (a renamed
    or moved column header, a changed row label or a different table would silently lose it)."""
    present = set(df["variable"])
    missing = [label for label in spec.get("rename", {}) if label not in present]
    if missing:
        import difflib

        labels = df.attrs.get("labels", {})
        close = difflib.get_close_matches(missing[0], sorted(present), n=3, cutoff=0.5)
        raise InputError(path, f"das Tabellenlayout hat sich geändert: {len(missing)} erwartete(s) Merkmal(e) fehlen",
                         where=", ".join(sorted(set(labels.values())))[:200] or "Kopfzeilen", column=", ".join(missing[:5]),
                         found=close or sorted(present)[:5],
                         expected=f"die Merkmale {', '.join(missing[:5])} (config/datasets.yaml, rename) wie im bisherigen Layout",
                         hint="die Tabelle mit denselben Merkmalen erneut herunterladen oder, wenn das Amt die Bezeichnung "
                         "geändert hat, `rename` in config/datasets.yaml anpassen")


def stage_table(spec: dict, files: list[str | Path]) -> pd.DataFrame:
    """Read every file of a tabular dataset (checking its layout), rename variables to their ids,
    sort deterministically."""
    reader = READERS[spec["format"]]
    frames = []
    for f in files:
        frame = reader(f)
        if spec.get("rename"):
            check_layout(frame, spec, f)
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True)
    df["variable"] = df["variable"].map(lambda v: spec.get("rename", {}).get(v, v))
    return df.sort_values(["area_id", "period", "variable", "row"], kind="stable").reset_index(drop=True)


def write_tidy(df: pd.DataFrame, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")


def read_tidy(path: str | Path) -> pd.DataFrame:
    """Read a staged tidy table back with area keys and flags as strings (leading zeros kept)."""
    df = pd.read_csv(path, dtype=_TEXT_COLUMNS, keep_default_na=False, na_values={"value": [""]})
    df["value"] = df["value"].astype("float64")
    return df


def stage_boundaries(files: list[str | Path], out_dir: str | Path) -> list[Path]:
    """Reproject each VG5000 layer to EPSG:25832 and write it as ``<layer>.geojson``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for f in files:
        target = out_dir / (Path(f).stem + ".geojson")
        target.write_text(json.dumps(read_vg5000(f), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        written.append(target)
    return written
