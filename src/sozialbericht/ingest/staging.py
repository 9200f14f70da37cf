"""Staging: raw national files → one tidy table per dataset (``results/staged/<dataset>.csv``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError
from sozialbericht.core.files import write_feature_lines
from sozialbericht.ingest.genesis import read_genesis_csv, read_genesis_ffcsv
from sozialbericht.ingest.geo import read_vg5000
from sozialbericht.ingest.gvisys import read_gvisys

READERS = {"genesis_csv": read_genesis_csv, "genesis_ffcsv": read_genesis_ffcsv, "gvisys": read_gvisys}


def expected_labels(spec: dict) -> tuple[list[str], bool]:
    """The variable labels a file of ``spec`` must have, and whether that list is complete (from
    `labels`, a list or a `product:` of lists joined with " | ") or a minimum (the `rename` keys)."""
    labels = spec.get("labels")
    if labels is None:
        return list(spec.get("rename", {})), False
    if isinstance(labels, dict):
        import itertools

        return [" | ".join(parts) for parts in itertools.product(*labels["product"])], True
    return list(labels), True


def check_layout(df: pd.DataFrame, spec: dict, path: str | Path) -> None:
    """Layout drift: every expected variable label must be in the file and, where the configuration
    gives the complete layout (`labels`), no other (a renamed or moved column header, a changed row
    label or a different table would otherwise be read silently)."""
    expected, complete = expected_labels(spec)
    present = list(dict.fromkeys(df["variable"]))
    missing = [label for label in expected if label not in set(present)]
    extra = [label for label in present if label not in set(expected)] if complete else []
    if not missing and not extra:
        return
    import difflib

    labels = df.attrs.get("labels", {})
    where = ", ".join(sorted({labels[v] for v in (extra or missing) if v in labels} or set(labels.values())))[:200]
    if missing:
        close = [m for label in missing[:3] for m in difflib.get_close_matches(label, extra or present, n=1, cutoff=0.5)]
        problem, column, found = (
            f"{len(missing)} erwartete(s) Merkmal(e) fehlen",
            ", ".join(missing[:5]),
            close or extra[:5] or present[:5],
        )
    else:
        problem, column, found = f"{len(extra)} unerwartete(s) Merkmal(e)", ", ".join(extra[:5]), extra[:5]
    raise InputError(
        path,
        f"das Tabellenlayout hat sich geändert: {problem}" + (f" und {len(extra)} unerwartete(s)" if missing and extra else ""),
        where=where or "Kopfzeilen",
        column=column,
        found=found,
        expected=f"genau die Merkmale der Tabelle wie bisher ({len(expected)} Merkmale; config/datasets.yaml, "
        f"{'labels' if complete else 'rename'}), z. B. {', '.join(expected[:3])}",
        hint="die Tabelle mit derselben Auswahl an Merkmalen erneut herunterladen oder, wenn das Amt die "
        "Bezeichnungen geändert hat, `labels` und `rename` in config/datasets.yaml anpassen",
    )


def stage_table(spec: dict, files: list[str | Path]) -> pd.DataFrame:
    """Read every file of a tabular dataset (checking its layout), rename variables to their ids,
    sort deterministically."""
    reader = READERS[spec["format"]]
    frames = []
    for f in files:
        frame = reader(f)
        if spec.get("rename") or spec.get("labels"):
            check_layout(frame, spec, f)
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True)
    df["variable"] = df["variable"].map(lambda v: spec.get("rename", {}).get(v, v))
    return df.sort_values(["area_id", "period", "variable", "row"], kind="stable").reset_index(drop=True)


def stage_boundaries(files: list[str | Path], out_dir: str | Path) -> list[Path]:
    """Reproject each VG5000 layer to EPSG:25832 and write it as ``<layer>.geojson``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for f in files:
        target = out_dir / (Path(f).stem + ".geojson")
        write_feature_lines(read_vg5000(f), target)
        written.append(target)
    return written
