"""What changed between two consecutive GV-ISys directories: key changes, Kreis reforms, mergers.

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

``territory.derive_changes`` applies this to every pair of directories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

AREA_TOLERANCE = (0.5, 0.015)  # max(0.5 km², 1.5 % of the successor's area): ALKIS re-surveys move areas
POPULATION_TOLERANCE = (40, 0.008)  # max(40 persons, 0.8 % per year between the dates of the successor's population)


@dataclass
class _Pair:
    """Two consecutive directories as plain dicts (a DataFrame lookup per cell costs ~40 µs, and
    the loops below make ~10^5 of them): AGS → row (ars, name, area, population)."""

    before: dict[str, dict]  # Gemeinden with inhabitants of the earlier directory
    after: dict[str, dict]
    period_from: str
    period_to: str
    #: the population tolerance per inhabitant of a successor (POPULATION_TOLERANCE per year between the dates)
    pop_tol: float
    #: the Gemeinden in both directories (in the order of the earlier one)
    common: list[str]

    def row(self, **fields) -> dict:
        """A change between the two directories (territory.CHANGE_COLUMNS)."""
        return {"period_from": self.period_from, "period_to": self.period_to, **fields}


def pair_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[list[dict], dict[str, str]]:
    """Changes between two consecutive directories (wide Gemeinde tables of one period each, see
    territory.gemeinde_table) and the Kreise whose Gemeinden all moved to another Kreis key."""
    pair = _pair(before, after)
    gone = [g for g in pair.before if g not in pair.after]
    new = [n for n in pair.after if n not in pair.before]
    key_changes = _key_changes(pair, gone, new)
    kreis_map = _kreis_map(key_changes, pair.after)
    rows = [_key_change_row(pair, g, n) for g, n in sorted(key_changes.items())]
    taken = set(key_changes.values())
    by_kreis: dict[str, list[str]] = {}
    for g in gone:
        if g not in key_changes:
            by_kreis.setdefault(kreis_map.get(g[:5], g[:5]), []).append(g)
    for kreis, members in sorted(by_kreis.items()):
        rows += _mergers(pair, kreis, members, new, taken)
    return rows, kreis_map


def _pair(before: pd.DataFrame, after: pd.DataFrame) -> _Pair:
    a = before[before["population"] > 0].set_index("ags").to_dict("index")
    b = after.set_index("ags").to_dict("index")
    p1, p2 = before["period"].iloc[0], after["period"].iloc[0]
    pop_tol = POPULATION_TOLERANCE[1] * max(1, int(p2[:4]) - int(p1[:4]))
    return _Pair(a, b, p1, p2, pop_tol, [c for c in a if c in b])


# --- key changes and Kreis reforms --------------------------------------------------------------------
def _key_changes(pair: _Pair, gone: list[str], new: list[str]) -> dict[str, str]:
    """Disappeared AGS → new AGS of the same Land with the same name and the same area."""
    a, b = pair.before, pair.after
    new_by_name: dict[tuple[str, str], list[str]] = {}
    for n in new:
        new_by_name.setdefault((n[:2], _norm(b[n]["name"])), []).append(n)
    key_changes = {}
    for g in gone:
        same = [
            n
            for n in new_by_name.get((g[:2], _norm(a[g]["name"])), [])
            if abs(b[n]["area"] - a[g]["area"]) <= max(AREA_TOLERANCE[0], AREA_TOLERANCE[1] * a[g]["area"])
        ]
        if len(same) == 1:
            key_changes[g] = same[0]
    return key_changes


def _kreis_map(key_changes: dict[str, str], after: dict[str, dict]) -> dict[str, str]:
    """A Kreis that is gone from the later directory → the Kreis key most of its renumbered
    Gemeinden moved to."""
    votes: dict[str, dict[str, int]] = {}
    for g, n in key_changes.items():
        votes.setdefault(g[:5], {}).setdefault(n[:5], 0)
        votes[g[:5]][n[:5]] += 1
    remaining_kreise = {n[:5] for n in after}
    return {k: max(sorted(v), key=v.get) for k, v in votes.items() if k not in remaining_kreise}


def _key_change_row(pair: _Pair, g: str, n: str) -> dict:
    a, b = pair.before[g], pair.after[n]
    return pair.row(
        from_ars=a["ars"],
        from_name=a["name"],
        to_ars=b["ars"],
        to_name=b["name"],
        kind="Schlüsseländerung",
        certain=True,
        area_from=a["area"],
        population_from=a["population"],
        evidence=f"gleicher Name, Fläche {a['area']:.2f} → {b['area']:.2f} km²",
        alternatives="",
    )


# --- mergers ------------------------------------------------------------------------------------------
def _mergers(pair: _Pair, kreis: str, members: list[str], new: list[str], taken: set[str]) -> list[dict]:
    """The changes of the disappeared Gemeinden ``members`` of a Kreis that no key change
    explains: each is assigned to the successor that best explains the gains in area and
    population (``_search``), or left undecided."""
    a = pair.before
    growth = _growth(pair, kreis)
    successors = _successors(pair, kreis, members, new, taken, growth)
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
    rows = []
    for i, g in enumerate(gone_rows):
        if best[i] < 0:
            rows.append(_undecided_row(pair, g, successors))
            continue
        partners = [gone_rows[k] for k in range(len(gone_rows)) if best[k] == best[i]]
        rows.append(_merger_row(pair, g, successors, best[i], alternatives[i], partners))
    return rows


def _growth(pair: _Pair, kreis: str) -> float:
    """Growth of the Kreis's unchanged Gemeinden: populations of the earlier date are projected
    with it, so that a successor's own growth is not mistaken for a merger."""
    a, b = pair.before, pair.after
    steady = [c for c in pair.common if c[:5] == kreis and abs(b[c]["area"] - a[c]["area"]) <= AREA_TOLERANCE[0]]
    before_sum = sum(a[c]["population"] for c in steady)
    return sum(b[c]["population"] for c in steady) / before_sum if before_sum else 1.0


def _successors(pair: _Pair, kreis: str, members: list[str], new: list[str], taken: set[str], growth: float) -> list[_Successor]:
    """The candidates of a Kreis: its new keys (not taken by a key change), then its existing
    Gemeinden whose area grew by at least the smallest disappeared Gemeinde."""
    a, b, pop_tol = pair.before, pair.after, pair.pop_tol
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
    for c in pair.common:
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
    # a new key inherits the Gemeindeverband of the one disappeared Gemeinde of its name
    for succ in successors:
        if succ.new:
            namesake = [g for g in members if _norm(a[g]["name"]) == _norm(succ.name)]
            succ.verband = a[namesake[0]]["ars"][:9] if len(namesake) == 1 else ""
    return successors


def _undecided_row(pair: _Pair, g: dict, successors: list[_Successor]) -> dict:
    return pair.row(
        from_ars=g["ars"],
        from_name=g["name"],
        to_ars="",
        to_name="",
        kind="unbekannt",
        certain=False,
        area_from=g["area"],
        population_from=g["population_before"],
        evidence="keine Gemeinde des Kreises hat um diese Fläche und Bevölkerung zugenommen",
        alternatives="; ".join(f"{s.ars} {s.name}" for s in successors[:8]),
    )


def _merger_row(
    pair: _Pair, g: dict, successors: list[_Successor], j: int, alternative: tuple[int, float], partners: list[dict]
) -> dict:
    """The merger of ``g`` into successor ``j`` with the Gemeinden it took alongside
    (``partners``): certain when clearly better than the next best successor and when the
    partners' areas add up to the successor's gain."""
    s = successors[j]
    alt_j, alt_delta = alternative
    clear = alt_j < 0 or alt_delta >= 1.0
    fits = abs(s.area_gain - sum(p["area"] for p in partners)) <= 2 * s.tol_area
    alt = successors[alt_j] if alt_j >= 0 else None
    share = " + ".join(_num(p["area"], 2) for p in partners)
    evidence = (
        f"Fläche: {s.name} {'neu mit' if s.new else '+'} {_num(s.area_gain, 2)} km², aufgenommen {share} km²; "
        f"Einwohner: {'neu mit' if s.new else '+'} {_num(s.population_gain)} "
        f"(bereinigt um das Wachstum im Kreis), aufgenommen {_num(sum(p['population'] for p in partners))}"
    )
    return pair.row(
        from_ars=g["ars"],
        from_name=g["name"],
        to_ars=s.ars,
        to_name=s.name,
        kind="Zusammenschluss" if s.new else "Eingemeindung",
        certain=bool(clear and fits),
        area_from=g["area"],
        population_from=g["population_before"],
        evidence=evidence,
        alternatives=f"{alt.ars} {alt.name}" if alt is not None and not clear else "",
    )


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


def _num(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _norm(name: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", re.split(r",| \(", str(name))[0].lower())
