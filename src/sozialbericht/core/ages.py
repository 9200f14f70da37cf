"""Age groups and sexes in variable labels: "weiblich | 3 bis unter 6 Jahre" → sex, age bounds."""

from __future__ import annotations

import functools
import re

import pandas as pd

SEXES = ("männlich", "weiblich")


def age_bounds(label: str) -> tuple[int, int | None]:
    """Age interval of a GENESIS age-group label: "unter 3 Jahre" → (0, 3), "3 bis unter 6 Jahre" → (3, 6),
    "75 Jahre und mehr" → (75, None)."""
    s = label.strip()
    if m := re.fullmatch(r"unter (\d+) Jahre?n?", s):
        return 0, int(m.group(1))
    if m := re.fullmatch(r"(\d+) bis unter (\d+) Jahre?n?", s):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+) Jahre? und (?:mehr|älter)", s):
        return int(m.group(1)), None
    raise ValueError(f"not an age-group label: {label!r}")


def _is_age(label: str) -> bool:
    try:
        age_bounds(label)
        return True
    except ValueError:
        return False


def _variable_parts(labels: pd.Series) -> pd.DataFrame:
    """Per unique variable label: sex, age label, age bounds and the parts (parsed once per label;
    the result is shared between calls with the same labels: do not modify it)."""
    return _parse_labels(tuple(labels.unique()))


@functools.lru_cache(maxsize=64)
def _parse_labels(labels: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for label in labels:
        parts = label.split(" | ")
        age = next((x for x in parts if _is_age(x)), "")
        lo, hi = age_bounds(age) if age else (None, None)
        rows.append(
            {
                "variable": label,
                "sex": next((x for x in parts if x in SEXES), ""),
                "age_label": age,
                "age_from": lo,
                "age_to": hi,
                "parts": parts,
            }
        )
    return pd.DataFrame(rows, columns=["variable", "sex", "age_label", "age_from", "age_to", "parts"]).set_index("variable")


def age_groups(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``sex``, ``age_label``, ``age_from``, ``age_to`` to an age table whose variables are
    'sex | age group' (GENESIS) or 'measure | sex | age group | …' (district templates)."""
    info = _variable_parts(df["variable"])
    info = info[info["age_label"] != ""]
    out = df[df["variable"].isin(info.index)]
    meta = info.loc[out["variable"]]
    out = out.assign(
        sex=meta["sex"].to_numpy(),
        age_label=meta["age_label"].to_numpy(),
        age_from=meta["age_from"].to_numpy().astype("int64"),
        age_to=meta["age_to"].to_numpy(),
    )
    out["age_to"] = pd.to_numeric(out["age_to"])
    return out
