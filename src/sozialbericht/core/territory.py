"""Territorial changes of Gemeinden, derived from the GV-ISys directories, and series on one territory.

GV-ISys lists every Gemeinde at each reference date but says nothing about mergers. Between two
consecutive directories this module decides, for every Gemeinde that disappears, which Gemeinde
of the later directory took its territory:

1. Gemeinden are identified by their AGS (Land, Kreis, Gemeinde; the ARS also carries the
   Gemeindeverband, which may change without a territorial change).
2. Key changes: a Gemeinde that disappears and a new key in the same Land with the same name
   and the same area (Kreis reforms renumber all Gemeinden of a Kreis: Göttingen 2016).
   A Kreis whose Gemeinden all moved to another Kreis key is mapped onto it (``kreis_map``).
3. Mergers: within the (mapped) Kreis, every remaining disappeared Gemeinde is assigned to a
   successor — a new key, or an existing Gemeinde whose area grew — so that the successors'
   gains in area and population are explained by the Gemeinden they took (a search over the
   possible assignments, preferring the successor with the same name and the same former
   Gemeindeverband). The evidence (areas, populations) is kept for the configuration comment.
   An assignment that is not clearly better than the next best one is marked uncertain
   (``certain = False``) with the alternatives; a Gemeinde without any fitting successor is
   undecided (``to_ars`` empty) and must be declared in the district configuration.

Series are then summed onto the territory of the newest directory (``harmonise``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
#: Tolerances of the merger search: area (km²) and population of a successor's gain.
AREA_TOLERANCE = (0.5, 0.015)  # max(0.5 km², 1.5 % of the successor's area): ALKIS re-surveys move areas
POPULATION_TOLERANCE = (40, 0.008)  # max(40 persons, 0.8 % per year between the dates of the successor's population)


def read_changes(path) -> pd.DataFrame:
    """A table of changes written by ``derive_changes`` (keys as text, ``certain`` as bool)."""
    df = pd.read_csv(
        path,
        dtype={
            c: str
            for c in (
                "period_from",
                "period_to",
                "from_ars",
                "from_name",
                "to_ars",
                "to_name",
                "kind",
                "evidence",
                "alternatives",
            )
        },
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


def _num(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _norm(name: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", re.split(r",| \(", str(name))[0].lower())


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


@dataclass
class _Successor:
    ags: str
    ars: str
    name: str
    area_gain: float
    population_gain: float
    new: bool
    verband: str  # ARS prefix (9 digits) in the earlier directory, "" for a new key
    tol_area: float
    tol_population: float


def _search(gone: list[dict], successors: list[_Successor]) -> tuple[list[int], list[tuple[int, float]]]:
    """Assign every disappeared Gemeinde to a successor so that the successors' gains in area and
    population are explained (deterministic local search: best single moves and pairwise swaps
    until nothing improves). Returns the assignment (index of the successor, -1: none fits) and,
    per Gemeinde, the best alternative successor with the increase of the cost if it were chosen."""
    n, m = len(gone), len(successors)
    cand: list[list[int]] = []
    bonus: dict[tuple[int, int], float] = {}
    for i, g in enumerate(gone):
        options = []
        for j, s in enumerate(successors):
            if g["area"] > s.area_gain + s.tol_area:
                continue
            b = (1.0 if _norm(g["name"]) == _norm(s.name) else 0.0) + (0.5 if s.verband and s.verband == g["verband"] else 0.0)
            bonus[i, j] = b
            options.append(j)
        cand.append(options)
    area_left = np.array([s.area_gain for s in successors], dtype=float)
    pop_left = np.array([s.population_gain for s in successors], dtype=float)
    used = np.zeros(m, dtype=int)

    def term(j: int, da: float = 0.0, dp: float = 0.0, du: int = 0) -> float:
        s = successors[j]
        # An existing Gemeinde's gain in area is unexplained until it takes someone; a new key
        # that took nobody is unexplained altogether.
        if used[j] + du == 0:
            return 5.0 + s.area_gain / s.tol_area if s.new else max(0.0, s.area_gain - s.tol_area) / s.tol_area
        return abs(area_left[j] - da) / s.tol_area + abs(pop_left[j] - dp) / s.tol_population

    def move_delta(i: int, j_from: int, j_to: int) -> float:
        g = gone[i]
        delta = -bonus.get((i, j_to), 0.0) + (bonus.get((i, j_from), 0.0) if j_from >= 0 else 0.0)
        delta += term(j_to, g["area"], g["population"], 1) - term(j_to)
        if j_from >= 0:
            delta += term(j_from, -g["area"], -g["population"], -1) - term(j_from)
        return delta

    def apply(i: int, j_from: int, j_to: int) -> None:
        g = gone[i]
        if j_from >= 0:
            area_left[j_from] += g["area"]
            pop_left[j_from] += g["population"]
            used[j_from] -= 1
        area_left[j_to] -= g["area"]
        pop_left[j_to] -= g["population"]
        used[j_to] += 1
        assign[i] = j_to

    assign = [-1] * n
    for i in sorted(range(n), key=lambda k: (-gone[k]["area"], gone[k]["ags"])):
        if cand[i]:
            apply(i, -1, min(cand[i], key=lambda j: (move_delta(i, -1, j), j)))
    for _ in range(50):
        improved = False
        for i in range(n):
            for j in cand[i]:
                if j != assign[i] and move_delta(i, assign[i], j) < -1e-9:
                    apply(i, assign[i], j)
                    improved = True
        for i in range(n):
            for k in range(i + 1, n):
                a, b = assign[i], assign[k]
                if a < 0 or b < 0 or a == b or b not in cand[i] or a not in cand[k]:
                    continue
                before = sum(term(j) for j in (a, b)) - bonus.get((i, a), 0) - bonus.get((k, b), 0)
                apply(i, a, b)
                apply(k, b, a)
                after = sum(term(j) for j in (a, b)) - bonus.get((i, b), 0) - bonus.get((k, a), 0)
                if after < before - 1e-9:
                    improved = True
                else:
                    apply(k, a, b)
                    apply(i, b, a)
        if not improved:
            break
    alternatives = []
    for i in range(n):
        options = [(move_delta(i, assign[i], j), j) for j in cand[i] if j != assign[i]]
        alternatives.append(min(((j, d) for d, j in options), key=lambda t: t[1]) if options else (-1, float("inf")))
    return assign, alternatives


def _pair_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[list[dict], dict[str, str]]:
    """Changes between two consecutive directories (wide Gemeinde tables of one period each)."""
    # plain dicts: a DataFrame lookup per cell costs ~40 µs, and the loops below make ~10^5 of them
    a = before[before["population"] > 0].set_index("ags").to_dict("index")
    b = after.set_index("ags").to_dict("index")
    p1, p2 = before["period"].iloc[0], after["period"].iloc[0]
    pop_tol = POPULATION_TOLERANCE[1] * max(1, int(p2[:4]) - int(p1[:4]))
    gone = [g for g in a if g not in b]
    new = [n for n in b if n not in a]
    rows, key_changes = [], {}
    new_by_name: dict[tuple[str, str], list[str]] = {}
    for n in new:
        new_by_name.setdefault((n[:2], _norm(b[n]["name"])), []).append(n)
    for g in gone:
        same = [
            n
            for n in new_by_name.get((g[:2], _norm(a[g]["name"])), [])
            if abs(b[n]["area"] - a[g]["area"]) <= max(AREA_TOLERANCE[0], AREA_TOLERANCE[1] * a[g]["area"])
        ]
        if len(same) == 1:
            key_changes[g] = same[0]
    votes: dict[str, dict[str, int]] = {}
    for g, n in key_changes.items():
        votes.setdefault(g[:5], {}).setdefault(n[:5], 0)
        votes[g[:5]][n[:5]] += 1
    remaining_kreise = {n[:5] for n in b}
    kreis_map = {k: max(sorted(v), key=v.get) for k, v in votes.items() if k not in remaining_kreise}
    for g, n in sorted(key_changes.items()):
        rows.append(
            {
                "period_from": p1,
                "period_to": p2,
                "from_ars": a[g]["ars"],
                "from_name": a[g]["name"],
                "to_ars": b[n]["ars"],
                "to_name": b[n]["name"],
                "kind": "Schlüsseländerung",
                "certain": True,
                "area_from": a[g]["area"],
                "population_from": a[g]["population"],
                "evidence": f"gleicher Name, Fläche {a[g]['area']:.2f} → {b[n]['area']:.2f} km²",
                "alternatives": "",
            }
        )
    remaining = [g for g in gone if g not in key_changes]
    taken = set(key_changes.values())
    common = [c for c in a if c in b]
    by_kreis: dict[str, list[str]] = {}
    for g in remaining:
        by_kreis.setdefault(kreis_map.get(g[:5], g[:5]), []).append(g)
    for kreis, members in sorted(by_kreis.items()):
        # Growth of the Kreis's unchanged Gemeinden: populations of the earlier date are projected
        # with it, so that a successor's own growth is not mistaken for a merger.
        steady = [c for c in common if c[:5] == kreis and abs(b[c]["area"] - a[c]["area"]) <= AREA_TOLERANCE[0]]
        before_sum = sum(a[c]["population"] for c in steady)
        growth = sum(b[c]["population"] for c in steady) / before_sum if before_sum else 1.0
        successors = []
        for n in new:
            if n[:5] == kreis and n not in taken and b[n]["population"] > 0:
                successors.append(
                    _Successor(
                        n,
                        b[n]["ars"],
                        b[n]["name"],
                        b[n]["area"],
                        b[n]["population"],
                        True,
                        "",
                        max(AREA_TOLERANCE[0], AREA_TOLERANCE[1] * b[n]["area"]),
                        max(POPULATION_TOLERANCE[0], pop_tol * b[n]["population"]),
                    )
                )
        min_area = min(a[g]["area"] for g in members)
        for c in common:
            if c[:5] != kreis or b[c]["population"] <= 0:
                continue
            gain = b[c]["area"] - a[c]["area"]
            tol = max(AREA_TOLERANCE[0], AREA_TOLERANCE[1] * b[c]["area"])
            if gain >= min_area - tol and gain > tol:
                successors.append(
                    _Successor(
                        c,
                        b[c]["ars"],
                        b[c]["name"],
                        gain,
                        b[c]["population"] - growth * a[c]["population"],
                        False,
                        a[c]["ars"][:9],
                        tol,
                        max(POPULATION_TOLERANCE[0], pop_tol * b[c]["population"]),
                    )
                )
        for succ in successors:
            if succ.new:
                namesake = [g for g in members if _norm(a[g]["name"]) == _norm(succ.name)]
                succ.verband = a[namesake[0]]["ars"][:9] if len(namesake) == 1 else ""
        gone_rows = [
            {
                "ags": g,
                "ars": a[g]["ars"],
                "name": a[g]["name"],
                "area": a[g]["area"],
                "population": growth * a[g]["population"],
                "verband": a[g]["ars"][:9],
                "population_before": a[g]["population"],
            }
            for g in sorted(members)
        ]
        best, alternatives = _search(gone_rows, successors) if successors else ([-1] * len(gone_rows), [])
        for i, g in enumerate(gone_rows):
            j = best[i]
            if j < 0:
                rows.append(
                    {
                        "period_from": p1,
                        "period_to": p2,
                        "from_ars": g["ars"],
                        "from_name": g["name"],
                        "to_ars": "",
                        "to_name": "",
                        "kind": "unbekannt",
                        "certain": False,
                        "area_from": g["area"],
                        "population_from": g["population_before"],
                        "evidence": "keine Gemeinde des Kreises hat um diese Fläche und Bevölkerung zugenommen",
                        "alternatives": "; ".join(f"{s.ars} {s.name}" for s in successors[:8]),
                    }
                )
                continue
            s = successors[j]
            partners = [gone_rows[k] for k in range(len(gone_rows)) if best[k] == j]
            alt_j, alt_delta = alternatives[i]
            clear = alt_j < 0 or alt_delta >= 1.0
            fits = abs(s.area_gain - sum(p["area"] for p in partners)) <= 2 * s.tol_area
            alt = successors[alt_j] if alt_j >= 0 else None
            share = " + ".join(_num(p["area"], 2) for p in partners)
            evidence = (
                f"Fläche: {s.name} {'neu mit' if s.new else '+'} {_num(s.area_gain, 2)} km², aufgenommen {share} km²; "
                f"Einwohner: {'neu mit' if s.new else '+'} {_num(s.population_gain)} "
                f"(bereinigt um das Wachstum im Kreis), aufgenommen {_num(sum(p['population'] for p in partners))}"
            )
            rows.append(
                {
                    "period_from": p1,
                    "period_to": p2,
                    "from_ars": g["ars"],
                    "from_name": g["name"],
                    "to_ars": s.ars,
                    "to_name": s.name,
                    "kind": "Zusammenschluss" if s.new else "Eingemeindung",
                    "certain": bool(clear and fits),
                    "area_from": g["area"],
                    "population_from": g["population_before"],
                    "evidence": evidence,
                    "alternatives": f"{alt.ars} {alt.name}" if alt is not None and not clear else "",
                }
            )
    return rows, kreis_map


def derive_changes(directory: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Every territorial change between consecutive directories of a staged GV-ISys table (all
    of Germany). Returns the changes (``CHANGE_COLUMNS``) and, per directory pair
    ``"<from>/<to>"``, the Kreise whose Gemeinden all moved to another Kreis key."""
    table = gemeinde_table(directory)
    periods = sorted(table["period"].unique())
    rows, kreise = [], {}
    for p1, p2 in zip(periods, periods[1:]):
        pair_rows, kreis_map = _pair_changes(table[table["period"] == p1], table[table["period"] == p2])
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
    by_ags = {ags_of(a): (a, n) for a, n in zip(current["area_id"], current["area_name"])}
    declared = {c["from"]: c for c in overrides or []}
    # only the Kreise whose Gemeinden may have gone into this one (chains of changes, Kreis reforms)
    related = {kreis} | {c["from"][:5] for c in declared.values()}
    while True:
        grown = related | set(changes.loc[changes["to_ars"].str[:5].isin(related), "from_ars"].str[:5])
        if grown == related:
            break
        related = grown
    directory = directory[np.isin(prefix(directory["area_id"]), sorted(related))]
    changes = changes[changes["to_ars"].str[:5].isin(related) | changes["from_ars"].str[:5].isin(related)]
    for c in declared.values():
        if ags_of(c["to"]) not in by_ags:
            raise InputError(
                config_file,
                f"Ziel einer Gebietsänderung ist keine aktuelle Gemeinde des Kreises: {c['to']}",
                where="Schlüssel 'territorial_changes'",
                found=c["to"],
                expected="eine der Gemeinden " + ", ".join(sorted(a for a, _ in by_ags.values())[:10]) + " …",
            )
    rows = to_territory(directory, changes, {k: v["to"] for k, v in declared.items()})
    unknown = rows[(rows["target"] == "") & (rows["area_id"].str[:5] == kreis) & (rows["variable"] == "bevoelkerung")]
    if len(unknown):
        alternatives = dict(zip(changes["from_ars"], changes["alternatives"]))
        lines = [
            f"{ars} {name} ({period[:4]})" + (f" – Kandidaten: {alternatives[ars]}" if alternatives.get(ars) else "")
            for ars, name, period in unknown[["area_id", "area_name", "period"]]
            .drop_duplicates("area_id")
            .itertuples(index=False)
        ]
        raise InputError(
            config_file or f"Kreis {kreis}",
            f"{len(lines)} Gemeinde(n) früherer Jahre lassen sich keiner heutigen Gemeinde zuordnen:\n    "
            + "\n    ".join(lines),
            where="Schlüssel 'territorial_changes'",
            expected="je Gemeinde ein Eintrag {from: <alter ARS>, to: <ARS der aufnehmenden Gemeinde>, date: …}",
            hint="die Zuordnung in den Gebietsänderungen von Destatis nachsehen und unter territorial_changes "
            "eintragen (`sozialbericht init-district` schreibt alle erkannten Änderungen mit Belegen)",
        )
    own = rows[rows["target"].isin(by_ags)]
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
    return sum_onto(own, by_ags), applied
