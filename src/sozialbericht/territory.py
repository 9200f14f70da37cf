"""Gemeinde series on the current territory (Gebietsstand of the newest directory)."""

from __future__ import annotations

import pandas as pd

from sozialbericht.errors import InputError


def ags_of(ars: str) -> str:
    """The 8-digit Gemeindeschlüssel (AGS) of a 12-digit ARS: Land, RB, Kreis and Gemeinde parts.

    The AGS does not change when a Gemeinde changes its Gemeindeverband, the ARS does.
    """
    return ars[:5] + ars[9:] if len(ars) == 12 else ars


def harmonise(df: pd.DataFrame, kreis: str, changes: list[dict], config_file: str) -> tuple[pd.DataFrame, list[dict]]:
    """Return the district's Gemeinde rows with every period summed onto the current territory.

    The current territory is that of the newest period in ``df``. A Gemeinde of an earlier period
    is matched by its AGS; one that no longer exists is added to the Gemeinde named in
    ``changes`` (``from`` → ``to``, 12-digit ARS). Returns the harmonised table (area ids and names
    of the current territory) and the list of changes actually applied.
    """
    own = df[df["area_id"].str[:5] == kreis].copy()
    if own.empty:
        raise InputError(config_file, "no Gemeinden of the district in the municipality directory", where="key 'kreis'",
                         found=kreis, expected="a Kreisschlüssel that exists in GV-ISys")
    latest = own["period"].max()
    current = own[own["period"] == latest].drop_duplicates("area_id")
    by_ags = {ags_of(a): (a, n) for a, n in zip(current["area_id"], current["area_name"])}
    names = dict(zip(current["area_id"], current["area_name"]))
    moves = {c["from"]: c for c in changes}
    own["ags"] = own["area_id"].map(ags_of)
    applied = {}
    for ars, ags, period, name in own[["area_id", "ags", "period", "area_name"]].drop_duplicates(["area_id", "period"]).itertuples(index=False):
        if ags in by_ags:
            continue
        if ars not in moves:
            raise InputError(config_file, f"Gemeinde {ars} '{name}' of {period} does not exist on the territory of {latest}",
                             where="key 'territorial_changes'", found=ars,
                             expected="an entry {from: <old ARS>, to: <ARS of the Gemeinde it merged into>, date: …}",
                             hint="look the change up in Destatis' list of Gebietsänderungen and add it to the district config")
        target = moves[ars]["to"]
        if ags_of(target) not in by_ags:
            raise InputError(config_file, f"territorial change target {target} is not a current Gemeinde of the district",
                             where="key 'territorial_changes'", found=target, expected=f"one of {sorted(names)}")
        applied[ars] = {**moves[ars], "name": name}
    own["target_ags"] = own.apply(lambda r: r["ags"] if r["ags"] in by_ags else ags_of(moves[r["area_id"]]["to"]), axis=1)
    own["area_id"] = own["target_ags"].map(lambda a: by_ags[a][0])
    own["area_name"] = own["area_id"].map(names)
    out = (own.groupby(["area_id", "area_name", "area_level", "period", "variable", "unit"], as_index=False, sort=True)
           .agg(value=("value", lambda s: s.sum(min_count=len(s))), flag=("flag", lambda s: next((f for f in s if f), "")),
                source=("source", "first"), row=("row", "first")))
    return out, [applied[k] for k in sorted(applied)]
