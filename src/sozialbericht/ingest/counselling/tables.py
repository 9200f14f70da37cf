"""The staged counselling tables ``beratung_faelle`` and ``beratung_stellen``.

The providers that passed become the two tables of the old aggregate template, keyed by the columns
``traeger`` (the provider's Kennung) and ``beratungsfeld`` (tidy.KEY_COLUMNS), so indicators,
disclosure control and the chapter work as before; an aggregate workbook's provider names become
Kennungen too (``kennung_column``).
"""

from __future__ import annotations

import re

import pandas as pd

from sozialbericht.core.tidy import KENNUNG, KEY_COLUMNS, TIDY_COLUMNS
from sozialbericht.ingest.counselling.providers import FOLDER
from sozialbericht.ingest.counselling.workbook import OUTSIDE, slug


def staged_tables(providers: list[dict], year: int, gemeinden: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The tidy tables ``beratung_faelle`` and ``beratung_stellen`` from the accepted providers of
    ``year``: the tidy columns with the measure as ``variable`` and the key columns ``traeger``
    (the provider's Kennung) and ``beratungsfeld`` (tidy.py)."""
    cases, sites = [], []
    for p in providers:
        if p["status"] != "ok" or p["jahr"] != year:
            continue
        src = f"{FOLDER}/{p['datei']}"
        f = p["faelle"]
        f = f[f["wohnort_ars"] != OUTSIDE]
        if len(f):
            g = f.assign(m=f["anzahl"] * f["mehrfach"]).groupby(["wohnort_ars", "beratungsfeld"], sort=True)
            for (ars, field), d in g:
                for var, value in (("faelle", d["anzahl"].sum()), ("mehrfachproblematik", d["m"].sum())):
                    cases.append(_tidy(ars, year, var, p["kennung"], field, float(value), "Anzahl", src, int(d["zeile"].min())))
        s = p["stellen"]
        if len(s):
            for (ars, field), d in s.groupby(["standort_ars", "beratungsfeld"], sort=True):
                sites.append(
                    _tidy(ars, year, "vzae", p["kennung"], field, float(d["vzae"].sum()), "VZÄ", src, int(d["zeile"].min()))
                )
    columns = [*TIDY_COLUMNS, *KEY_COLUMNS]
    types = {"value": float, "row": int}  # also when no provider delivered for this year
    out = {
        "beratung_faelle": pd.DataFrame(cases, columns=columns).astype(types),
        "beratung_stellen": pd.DataFrame(sites, columns=columns).astype(types),
    }
    return {k: v.assign(area_name=v["area_id"].map(gemeinden).fillna("")) for k, v in out.items()}


def _tidy(ars, year, var, provider, field, value, unit, source, row) -> dict:
    # Provider and field are columns of their own, never parts of a string: the provider is its
    # Kennung (a slug, tidy.KENNUNG), the field one of the standard's names (checked by the reader);
    # a provider's name never enters a key.
    if not re.fullmatch(KENNUNG, provider) or not isinstance(field, str) or not field:
        raise ValueError(f"unsafe key: {provider!r}, {field!r}")
    return {
        "area_id": ars,
        "area_name": "",
        "area_level": "gemeinde",
        "period": str(year),
        "variable": var,
        "unit": unit,
        "value": value,
        "flag": "",
        "source": source,
        "row": row,
        "traeger": provider,
        "beratungsfeld": field,
    }


def kennung_column(df: pd.DataFrame) -> pd.DataFrame:
    """A counselling table of the old aggregate workbook keyed like the standard's: its column
    ``traeger`` (the provider's name as the district wrote it) becomes the provider's Kennung
    (``slug``), so that a provider is one key whichever form it delivered in."""
    if "traeger" not in df:
        return df
    return df.assign(traeger=df["traeger"].map(slug))
