"""Staging: raw national files → one tidy table per dataset (``results/staged/<dataset>.csv``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from sozialbericht.errors import InputError
from sozialbericht.io import read_genesis_csv, read_genesis_ffcsv, read_gvisys, read_vg5000
from sozialbericht.tidy import KEY_COLUMNS, TIDY_COLUMNS

READERS = {"genesis_csv": read_genesis_csv, "genesis_ffcsv": read_genesis_ffcsv, "gvisys": read_gvisys}
# the key columns too: a Kennung of digits ("007") stays text
_TEXT_COLUMNS = {c: str for c in [*TIDY_COLUMNS, *KEY_COLUMNS] if c not in ("value", "row")}


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


def _csv_column(values: pd.Series) -> list[str]:
    """The cells of one column as ``DataFrame.to_csv(float_format="%.10g")`` writes them."""
    if pd.api.types.is_float_dtype(values.dtype):
        return ["" if v != v else f"{v:.10g}" for v in values.to_numpy()]
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype):
        return [str(v) for v in values.tolist()]
    return [v if isinstance(v, str) else "" if v is None or v != v else str(v) for v in values.tolist()]


def write_tidy(df: pd.DataFrame, path: str | Path, published: bool = False) -> None:
    """Write a tidy table as UTF-8 CSV (the same bytes as pandas' ``to_csv`` with ``%.10g`` floats,
    at a fraction of its fixed cost per call: the national step writes ~3.000 small slices).
    ``published``: a table users open in a spreadsheet — a text cell that a spreadsheet would read
    as a formula is kept as text (:func:`untrusted.spreadsheet_text`)."""
    from sozialbericht.untrusted import spreadsheet_text

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [_csv_column(df[c]) for c in df.columns]
    if published:
        text = [not pd.api.types.is_numeric_dtype(df[c].dtype) for c in df.columns]
        columns = [[spreadsheet_text(v) for v in col] if t else col for t, col in zip(text, columns)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(df.columns)
        out.writerows(zip(*columns))


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
        write_feature_lines(read_vg5000(f), target)
        written.append(target)
    return written


def _compact(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


_FEATURES = ',"features":['


def _opening(head: dict) -> str:
    """``{"type":…,"crs":…,"features":[`` — the collection up to its first feature."""
    return _compact(head)[:-1] + _FEATURES


def write_feature_lines(collection: dict, target: Path) -> Path:
    """A GeoJSON FeatureCollection with one feature per line, so that a reader can pick features
    by their ``area_id`` without parsing every coordinate (see ``read_feature_lines``)."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [_opening(head), ",\n".join(_compact(f) for f in collection["features"]), "]}"]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def read_feature_lines(path: Path) -> tuple[dict, dict[str, str]]:
    """(the collection's other members, area_id → the feature's JSON text) of a file written by
    ``write_feature_lines``: the features stay text (the boundaries of Germany parsed into Python
    objects would cost some 50 MB)."""
    import re

    first, *features, _ = path.read_text(encoding="utf-8").splitlines()
    head = json.loads(first[: -len(_FEATURES)] + "}")
    key = re.compile(r'"area_id":"([^"]+)"')
    out = {key.search(line)[1]: line.rstrip(",") for line in features}
    if len(out) != len(features):
        raise ValueError(f"{path}: an area_id occurs in more than one feature")
    return head, out


def feature_collection(head: dict, features: list[str]) -> str:
    """The compact JSON text of a FeatureCollection from ``head`` and features' JSON texts."""
    return _opening(head) + ",".join(features) + "]}"
