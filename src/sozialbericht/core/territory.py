"""The Gemeinden over time: territorial changes between the GV-ISys directories, and series on one
territory.

The changes between every pair of consecutive directories are derived from their areas and
populations (``derive_changes``; how: ``directory_changes``), kept as a table of
``CHANGE_COLUMNS`` (``read_changes``). Series are then summed onto the territory of the newest
directory (``to_territory``, ``sum_onto``; for one Kreis with the changes its configuration
declares: ``harmonise``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialbericht.core.directory_changes import pair_changes
from sozialbericht.core.errors import InputError

CHANGE_COLUMNS = [
    "period_from",
    "period_to",
    "from_ars",
    "from_name",
    "to_ars",
    "to_name",
    "kind",
    "certain",
    "area_from",
    "population_from",
    "evidence",
    "alternatives",
]

#: the columns of a change that are not text
_NOT_TEXT = ("certain", "area_from", "population_from")


def read_changes(path) -> pd.DataFrame:
    """A table of changes written by ``derive_changes`` (keys as text, ``certain`` as bool)."""
    df = pd.read_csv(
        path,
        dtype={c: str for c in CHANGE_COLUMNS if c not in _NOT_TEXT},
        keep_default_na=False,
    )
    df["certain"] = df["certain"].astype(str).isin(["True", "true", "1"])
    return df.reindex(columns=CHANGE_COLUMNS)


def prefix(keys: pd.Series, n: int = 5) -> np.ndarray:
    """The first ``n`` characters of every key, vectorised (``.str[:n]`` is a Python loop)."""
    return keys.to_numpy().astype(f"U{n}")


def ags_of(ars: str) -> str:
    """The 8-digit Gemeindeschlüssel (AGS) of a 12-digit ARS: Land, RB, Kreis and Gemeinde parts.

    The AGS does not change when a Gemeinde changes its Gemeindeverband, the ARS does.
    """
    return ars[:5] + ars[9:] if len(ars) == 12 else ars


def gemeinde_table(directory: pd.DataFrame) -> pd.DataFrame:
    """One row per Gemeinde and reference date: ars, ags, name, area, population (wide)."""
    g = directory[(directory["area_level"] == "gemeinde") & directory["variable"].isin(["flaeche_km2", "bevoelkerung"])]
    w = g.pivot_table(index=["period", "area_id"], columns="variable", values="value", aggfunc="first").reset_index()
    names = g.drop_duplicates(["period", "area_id"])[["period", "area_id", "area_name"]]
    w = w.merge(names, on=["period", "area_id"], how="left").rename(columns={"area_name": "name"})
    w = w.rename(columns={"area_id": "ars", "flaeche_km2": "area", "bevoelkerung": "population"})
    w["ags"] = w["ars"].map(ags_of)
    w["area"] = w["area"].fillna(0.0)
    w["population"] = w["population"].fillna(0.0)
    return w[["period", "ars", "ags", "name", "area", "population"]]


def derive_changes(directory: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Every territorial change between consecutive directories of a staged GV-ISys table (all
    of Germany). Returns the changes (``CHANGE_COLUMNS``) and, per directory pair
    ``"<from>/<to>"``, the Kreise whose Gemeinden all moved to another Kreis key."""
    table = gemeinde_table(directory)
    periods = sorted(table["period"].unique())
    rows, kreise = [], {}
    for p1, p2 in zip(periods, periods[1:]):
        pair_rows, kreis_map = pair_changes(table[table["period"] == p1], table[table["period"] == p2])
        rows += pair_rows
        if kreis_map:
            kreise[f"{p1}/{p2}"] = kreis_map
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    return out.sort_values(["period_from", "from_ars"], kind="stable").reset_index(drop=True), kreise


def successors(changes: pd.DataFrame, periods: list[str], overrides: dict[str, str] | None = None) -> dict[tuple[str, str], str]:
    """(period, AGS) → AGS on the territory of the last of ``periods`` for every Gemeinde that
    changed ("" when its successor is unknown). ``overrides``: ARS → ARS of a current Gemeinde
    (declared in a district config), used instead of the derived change of that Gemeinde."""
    overrides = {ags_of(k): ags_of(v) for k, v in (overrides or {}).items()}
    periods = sorted(periods)
    latest = periods[-1]
    pairs = []
    for (p1, _p2), pair in changes[changes["period_to"] <= latest].groupby(["period_from", "period_to"], sort=True):
        pairs.append((p1, {ags_of(f): ags_of(t) if t else "" for f, t in zip(pair["from_ars"], pair["to_ars"])}))
    result = {}
    for p in periods[:-1]:
        steps = [step for p1, step in pairs if p1 >= p]
        for ags in set().union(*steps, overrides) if steps or overrides else set():
            target = ags
            for step in steps:
                if target in overrides:
                    break
                if target in step:
                    target = step[target]
                    if not target:
                        break
            target = overrides.get(target, target)
            if target != ags:
                result[(p, ags)] = target
    return result


def to_territory(directory: pd.DataFrame, changes: pd.DataFrame, overrides: dict[str, str] | None = None) -> pd.DataFrame:
    """Gemeinde rows of a staged GV-ISys table with a column ``target``: the AGS of the Gemeinde of
    the newest directory whose territory holds the row's Gemeinde ("" when unknown; the own AGS
    when unchanged). ``overrides``: ARS → ARS of a current Gemeinde, replacing derived changes."""
    gem = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] != "textkennzeichen")]
    periods = sorted(gem["period"].unique())
    succ = successors(changes, periods, overrides)
    ags = gem["area_id"].map(ags_of)
    target = [succ.get((p, a), a) for p, a in zip(gem["period"], ags)]
    return gem.assign(ags=ags, target=target)


def sum_onto(rows: pd.DataFrame, current: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Sum rows (with ``target``) onto the current Gemeinden (AGS → (ARS, name)); a sum is NaN
    when one of its parts is, and keeps the first marker."""
    own = rows[rows["target"].isin(current)]
    own = own.assign(area_id=own["target"].map(lambda a: current[a][0]), area_name=own["target"].map(lambda a: current[a][1]))
    keep = ["area_id", "area_name", "area_level", "period", "variable", "unit"]
    out = (
        own.assign(_missing=own["value"].isna(), _flag=own["flag"].where(own["flag"] != ""))
        .groupby(keep, sort=True)  # one grouping for all five columns
        .agg(
            value=("value", "sum"),
            missing=("_missing", "any"),
            flag=("_flag", "first"),
            source=("source", "first"),
            row=("row", "first"),
        )
    )
    out["value"] = out["value"].where(~out.pop("missing"))
    out["flag"] = out["flag"].fillna("")
    return out.reset_index()


def harmonise(
    directory: pd.DataFrame, kreis: str, changes: pd.DataFrame, overrides: list[dict] | None = None, config_file: str = ""
) -> tuple[pd.DataFrame, list[dict]]:
    """The Kreis's Gemeinde rows of a staged GV-ISys table with every period summed onto the
    territory of its newest period (series on the current territory).

    ``changes``: derived changes (``derive_changes``); ``overrides``: the district's declared
    ``territorial_changes`` ({from, to, date, note}), which win over derived ones. Returns the
    harmonised table and the changes applied (names, dates or the interval between directories,
    kind, whether declared or derived and whether certain, evidence). Gemeinden whose successor is
    unknown stop with one error that lists all of them with the candidates.
    """
    by_ags = _current_gemeinden(directory, kreis, config_file)
    declared = {c["from"]: c for c in overrides or []}
    directory, changes = _related(directory, changes, kreis, declared)
    _check_declared(declared, by_ags, config_file)
    rows = to_territory(directory, changes, {k: v["to"] for k, v in declared.items()})
    _check_assigned(rows, changes, kreis, config_file)
    own = rows[rows["target"].isin(by_ags)]
    return sum_onto(own, by_ags), _applied(own, changes, declared, by_ags)


def _current_gemeinden(directory: pd.DataFrame, kreis: str, config_file: str) -> dict[str, tuple[str, str]]:
    """AGS → (ARS, name) of the Kreis's Gemeinden in the newest directory."""
    gem = directory[(directory["area_level"] == "gemeinde") & (directory["variable"] != "textkennzeichen")]
    latest = gem["period"].max()
    at_latest = gem[gem["period"] == latest]
    current = at_latest[prefix(at_latest["area_id"]) == kreis].drop_duplicates("area_id")
    if current.empty:
        raise InputError(
            config_file or "Kreiskonfiguration",
            f"keine Gemeinden des Kreises {kreis} im Gemeindeverzeichnis vom {latest}",
            where="Schlüssel 'kreis' / 'gemeinde_years'",
            found=kreis,
            expected="einen Kreisschlüssel, der im letzten gewählten Gemeindeverzeichnis vorkommt",
            hint="gemeinde_years auf Jahre begrenzen, in denen der Kreis bestand",
        )
    return {ags_of(a): (a, n) for a, n in zip(current["area_id"], current["area_name"])}


def _related(
    directory: pd.DataFrame, changes: pd.DataFrame, kreis: str, declared: dict[str, dict]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory and the changes of only the Kreise whose Gemeinden may have gone into this
    one (chains of changes, Kreis reforms, declared changes)."""
    related = {kreis} | {c["from"][:5] for c in declared.values()}
    while True:
        grown = related | set(changes.loc[changes["to_ars"].str[:5].isin(related), "from_ars"].str[:5])
        if grown == related:
            break
        related = grown
    directory = directory[np.isin(prefix(directory["area_id"]), sorted(related))]
    changes = changes[changes["to_ars"].str[:5].isin(related) | changes["from_ars"].str[:5].isin(related)]
    return directory, changes


def _check_declared(declared: dict[str, dict], by_ags: dict[str, tuple[str, str]], config_file: str) -> None:
    """A declared change leads to a current Gemeinde of the Kreis."""
    for c in declared.values():
        if ags_of(c["to"]) not in by_ags:
            raise InputError(
                config_file,
                f"Ziel einer Gebietsänderung ist keine aktuelle Gemeinde des Kreises: {c['to']}",
                where="Schlüssel 'territorial_changes'",
                found=c["to"],
                expected="eine der Gemeinden " + ", ".join(sorted(a for a, _ in by_ags.values())[:10]) + " …",
            )


def _check_assigned(rows: pd.DataFrame, changes: pd.DataFrame, kreis: str, config_file: str) -> None:
    """Every earlier Gemeinde of the Kreis has a current one; one error lists all that have not,
    with their candidates."""
    unknown = rows[(rows["target"] == "") & (rows["area_id"].str[:5] == kreis) & (rows["variable"] == "bevoelkerung")]
    if not len(unknown):
        return
    alternatives = dict(zip(changes["from_ars"], changes["alternatives"]))
    lines = [
        f"{ars} {name} ({period[:4]})" + (f" – Kandidaten: {alternatives[ars]}" if alternatives.get(ars) else "")
        for ars, name, period in unknown[["area_id", "area_name", "period"]].drop_duplicates("area_id").itertuples(index=False)
    ]
    raise InputError(
        config_file or f"Kreis {kreis}",
        f"{len(lines)} Gemeinde(n) früherer Jahre lassen sich keiner heutigen Gemeinde zuordnen:\n    " + "\n    ".join(lines),
        where="Schlüssel 'territorial_changes'",
        expected="je Gemeinde ein Eintrag {from: <alter ARS>, to: <ARS der aufnehmenden Gemeinde>, date: …}",
        hint="die Zuordnung in den Gebietsänderungen von Destatis nachsehen und unter territorial_changes "
        "eintragen (`sozialbericht init-district` schreibt alle erkannten Änderungen mit Belegen)",
    )


def _applied(
    own: pd.DataFrame, changes: pd.DataFrame, declared: dict[str, dict], by_ags: dict[str, tuple[str, str]]
) -> list[dict]:
    """The changes applied to the Kreis's rows: per earlier Gemeinde its successor, the
    inhabitants at its last reference date before the change, and whether declared or derived."""
    moved = own[(own["ags"] != own["target"]) & (own["variable"] == "bevoelkerung")].sort_values("period")
    moved = moved.drop_duplicates("ags", keep="last")
    info = changes.assign(ags=changes["from_ars"].map(ags_of)).drop_duplicates("ags", keep="last").set_index("ags")
    applied = []
    for ags, ars, name, target, value, period in zip(
        moved["ags"], moved["area_id"], moved["area_name"], moved["target"], moved["value"], moved["period"]
    ):
        entry = declared.get(ars)
        row = info.loc[ags] if ags in info.index else None
        applied.append(
            {
                "from": ars,
                "to": by_ags[target][0],
                "name": name,
                "to_name": by_ags[target][1],
                # inhabitants at the last reference date before the change
                "einwohner": None if pd.isna(value) else float(value),
                "stand": str(period),
                "date": entry.get("date") if entry else None,
                "note": entry.get("note", "") if entry else "",
                "between": [row["period_from"], row["period_to"]] if row is not None else None,
                "kind": row["kind"] if row is not None else "Gebietsänderung",
                "declared": entry is not None,
                "certain": True if entry else (bool(row["certain"]) if row is not None else True),
                "evidence": row["evidence"] if row is not None else "",
                "alternatives": row["alternatives"] if row is not None else "",
            }
        )
    applied.sort(key=lambda c: (c["kind"] == "Schlüsseländerung", c["from"]))
    return applied
