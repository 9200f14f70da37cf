"""Files the project writes and reads back: tidy tables as CSV, GeoJSON with one feature per line,
zip containers (xlsx) with fixed time stamps. Deterministic: the same data give the same bytes."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

from sozialbericht.core.tidy import KEY_COLUMNS, TIDY_COLUMNS

# the key columns too: a Kennung of digits ("007") stays text
_TEXT_COLUMNS = {c: str for c in [*TIDY_COLUMNS, *KEY_COLUMNS] if c not in ("value", "row")}
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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
    from sozialbericht.core.untrusted import spreadsheet_text

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


def normalise_zip(path: Path, modified: str) -> None:
    """Rewrite a zip container (xlsx) with fixed entry timestamps and a fixed "modified" date
    (openpyxl stamps the save time): byte-identical reruns."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    entries = [
        (
            name,
            re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + modified.encode() + rb"\g<2>", data)
            if name == "docProps/core.xml"
            else data,
        )
        for name, data in entries
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:  # keep [Content_Types].xml first, as Excel expects
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)


def save_workbook(wb, path: Path, stamp: str) -> Path:
    """Save an openpyxl workbook byte-identically for the same content: fixed creation and save
    dates (``stamp``, ISO with ``Z``) and zip entries (``normalise_zip``)."""
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime.fromisoformat(stamp.rstrip("Z"))
    wb.properties.creator = "sozialbericht"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    normalise_zip(path, stamp)
    return path
