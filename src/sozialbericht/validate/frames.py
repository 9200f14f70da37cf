"""The frames every check works on: a staged table with its year and Kreis, and the rule frame.

A plausibility rule is computed in pandas as one frame per rule with the columns ``RULE_COLUMNS``
(the rule, the row it is about, the value found, the limit, ``ok``, its severity and what is
expected, in German); Great Expectations then checks the column ``ok`` (``expectations``). The
helpers here are shared by the rules (``rules``, ``completeness``), the suites and the messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.core.formatting import number
from sozialbericht.core.tidy import KEY_COLUMNS

STADTSTAAT_LAENDER = ["02", "11"]
RULE_COLUMNS = [
    "regel",
    "area_id",
    "area_name",
    "period",
    "variable",
    "source",
    "row",
    "wert",
    "grenze",
    "ok",
    "schwere",
    "erwartet",
]


def per_value(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value (keys, names and variables repeat a few thousand
    values over ~10^5 rows, and pandas' ``.str`` methods loop over every row)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(np.asarray([func(u) for u in uniques], dtype=object)[codes], index=values.index)


def key_length(keys: pd.Series) -> np.ndarray:
    return per_value(keys, len).to_numpy(dtype="int64")


def measure_of(df: pd.DataFrame) -> pd.Series:
    """The measure of every row: its variable without the further dimensions (``a | b`` → ``a``)."""
    return per_value(df["variable"], lambda v: v.split(" | ", 1)[0])


def data_keys(df: pd.DataFrame) -> list[str]:
    """The key columns a table has beyond the tidy columns (the counselling tables: provider and
    field, tidy.KEY_COLUMNS): a series is one variable of one provider and field."""
    return [k for k in KEY_COLUMNS if k in df]


def validation_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A staged table with the columns ``year`` and ``kreis`` that the expectations read."""
    frame = df.copy()
    frame["year"] = per_value(frame["period"], lambda p: int(p[:4])).astype("int64")
    frame["kreis"] = per_value(frame["area_id"], lambda a: a[:5])
    # the Stadtstaaten Berlin and Hamburg are a Kreis and a Land at once; many tables list them as Land only
    frame.loc[frame["area_id"].isin(STADTSTAAT_LAENDER), "kreis"] = frame["area_id"] + "000"
    return frame


def first_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]]


def largest_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Per area and date the file and row of the largest value: where a sum over several rows
    (of several providers' files) fails a check, the message names the row that contributes most,
    not whichever file happens to come first."""
    ordered = df.assign(_v=df["value"].fillna(-np.inf)).sort_values("_v", ascending=False, kind="stable")
    return ordered.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]]


def rule_frame(rows: pd.DataFrame, regel: str, schwere: str, erwartet) -> pd.DataFrame:
    """The rows of one rule in the columns ``RULE_COLUMNS`` (``erwartet``: one text for all rows
    or one per row)."""
    rows = rows.copy()
    rows["regel"], rows["schwere"] = regel, schwere
    rows["erwartet"] = erwartet if isinstance(erwartet, str) else erwartet
    for c in RULE_COLUMNS:
        if c not in rows:
            rows[c] = "" if c not in ("row", "wert", "grenze") else 0
    # the key columns of a counselling table (provider, field) stay for the message
    return rows[[*RULE_COLUMNS, *(k for k in KEY_COLUMNS if k in rows)]]


def fmt(v) -> str:
    """A value as a message shows it: a German number (whole numbers without decimals, others
    with two), "–" for a missing one, anything else as text."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if np.isnan(v):
        return "–"
    return number(v, 0 if abs(v - round(v)) < 1e-9 else 2)
