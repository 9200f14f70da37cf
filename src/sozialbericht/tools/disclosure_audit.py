"""Disclosure audit: can a suppressed count be recovered by arithmetic from what is published?

``disclosure.py`` suppresses small counts and adds secondary suppression. This audit checks the
result from the outside, as an attacker with a spreadsheet would: it collects every published
value of a district's ``indikatoren.csv`` that is a count or a rate of counts and turns each into
a linear constraint on the underlying counts (all non-negative):

- a published count:            x[count] = value
- a published rate:             x[numerator] − value / scale · x[denominator] = 0 (the
  denominator a published count or itself unknown: the constraint stays linear)
- the fields of a family:       Σ x[member numerators] = x[total numerator] (``part_of``)
- the areas:                    Σ Gemeinden = Kreis, Σ members = Sozialraum, Σ Sozialräume = Kreis

For every suppressed cell (marker ``.``) it then minimises and maximises the count behind it
(``scipy.optimize.linprog``). The cell is safe when its feasible range includes 0 and the
disclosure threshold — nothing published pins it down to a small number — or when the range lies
wholly at or above the threshold (a cell suppressed secondarily whose range cannot hold a small
count reveals none; the small cell it protects is audited itself).

Limits: counts are relaxed to real numbers (an integer programme could narrow a range further);
indicators of other methods (changes, balances) and the providers' receipts, which publish only
Kreis totals and the provider's own counts, are not part of the system.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialbericht.compute.disclosure import SUPPRESSED

TOLERANCE = 0.01


@dataclass
class Finding:
    indicator_id: str
    area_id: str
    area_name: str
    period: str
    low: float
    high: float
    safe: bool


def _key(spec: dict | None) -> str | None:
    return json.dumps(spec, sort_keys=True) if spec else None


def audit(
    indicators: pd.DataFrame, catalogue: list[dict], kreis: str, sozialraeume: dict[str, list[str]], threshold: int = 3
) -> list[Finding]:
    """Every suppressed cell of ``indicators`` (a district's indikatoren.csv) with the range of its
    count that the published values allow (see the module docstring)."""
    spec = {c["id"]: c for c in catalogue}
    df = indicators[indicators["indicator_id"].isin(spec)].copy()
    df["flag"] = df["flag"].fillna("").astype(str)
    findings = []
    for period, d in df.groupby("period", sort=True):
        if not (d["flag"] == SUPPRESSED).any():
            continue
        findings += _audit_period(d, spec, kreis, sozialraeume, threshold, str(period))
    return findings


def _audit_period(d, spec, kreis, sozialraeume, threshold, period) -> list[Finding]:
    from scipy.optimize import linprog

    index: dict[tuple[str, str], int] = {}

    def var(key: str, area: str) -> int:
        return index.setdefault((key, area), len(index))

    rows, rhs, targets = [], [], []
    for r in d.itertuples(index=False):
        c = spec[r.indicator_id]
        num, den = _key(c.get("numerator")), _key(c.get("denominator"))
        counts = c.get("method") == "value" and c.get("unit") == "Anzahl"
        ratio = c.get("method") == "ratio" and den is not None
        if not (counts or ratio) or num is None:
            continue
        x = var(num, r.area_id)
        if r.flag == SUPPRESSED:
            targets.append((r, x))
            continue
        if pd.isna(r.value):
            continue
        if counts:
            rows.append({x: 1.0})
            rhs.append(float(r.value))
        else:
            rows.append({x: 1.0, var(den, r.area_id): -float(r.value) / float(c.get("scale", 1))})
            rhs.append(0.0)
    if not targets:
        return []
    # families: the fields add up to all fields, in every area
    members: dict[str, list[str]] = {}
    for c in spec.values():
        if c.get("part_of") in spec:
            members.setdefault(_key(spec[c["part_of"]]["numerator"]), []).append(_key(c["numerator"]))
    areas = set(d["area_id"])
    for total, parts in members.items():
        for area in areas:
            if (total, area) in index or any((p, area) in index for p in parts):
                row = {var(total, area): -1.0}
                for p in parts:
                    row[var(p, area)] = row.get(var(p, area), 0.0) + 1.0
                rows.append(row)
                rhs.append(0.0)
    # areas: Gemeinden add up to the Kreis and to their Sozialraum, the Sozialräume to the Kreis
    gemeinden = sorted(a for a in areas if len(a) == 12)
    keys = {k for k, _ in index}
    sums = [(kreis, gemeinden), *((sr, m) for sr, m in sozialraeume.items()), (kreis, list(sozialraeume))]
    for key in keys:
        for whole, parts in sums:
            parts = [p for p in parts if p in areas]
            if whole in areas and parts and any((key, a) in index for a in [whole, *parts]):
                row = {var(key, whole): -1.0}
                for p in parts:
                    row[var(key, p)] = row.get(var(key, p), 0.0) + 1.0
                rows.append(row)
                rhs.append(0.0)
    n = len(index)
    a_eq = np.zeros((len(rows), n))
    for i, row in enumerate(rows):
        for j, v in row.items():
            a_eq[i, j] = v
    b_eq = np.asarray(rhs)
    # published values carry ten significant digits: each equation holds up to a hundredth of a case
    a_ub, b_ub = np.vstack([a_eq, -a_eq]), np.concatenate([b_eq + TOLERANCE, -b_eq + TOLERANCE])
    out = []
    for r, x in targets:
        bounds = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[x] = sign
            res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            if res.status == 3:  # unbounded: nothing limits this count
                bounds.append(0.0 if sign > 0 else np.inf)
            elif res.status != 0:
                bounds.append(np.nan)
            else:
                bounds.append(sign * res.fun)
        low, high = bounds
        # a system without solution means the published values contradict each other: not certified
        # counts are whole numbers: the range's ends rounded (the equations' tolerance shifts them a little)
        lo, hi = (round(low), round(high) if np.isfinite(high) else high) if not np.isnan(low) else (low, high)
        safe = bool(not np.isnan(low) and ((lo <= 0 and hi >= threshold) or lo >= threshold))
        out.append(Finding(r.indicator_id, r.area_id, str(getattr(r, "area_name", "")), period, low, high, safe))
    return out


def table(findings: list[Finding], threshold: int) -> str:
    """The audit as a German Markdown table (``make disclosure-audit``)."""
    from sozialbericht.core.formatting import number

    lines = [
        f"Prüfung der Geheimhaltung: {len(findings)} gesperrte Werte; sicher ist ein Wert, dessen aus allen "
        f"veröffentlichten Zahlen errechenbarer Bereich 0 und {threshold} einschließt oder ganz bei {threshold} "
        "und mehr liegt (dann kann er keine kleine Fallzahl sein).",
        "",
        "| Kennzahl | Gebiet | Stichtag | kleinster möglicher Wert | größter möglicher Wert | sicher |",
        "|:--|:--|:--|--:|--:|:--|",
    ]
    for f in findings:
        high = "unbegrenzt" if np.isinf(f.high) else "–" if np.isnan(f.high) else number(f.high, 1)
        low = "widersprüchlich" if np.isnan(f.low) else number(f.low, 1)
        lines.append(
            f"| {f.indicator_id} | {f.area_name or f.area_id} | {f.period} | {low} | {high} | {'ja' if f.safe else 'NEIN'} |"
        )
    return "\n".join(lines) + "\n"


def audit_published(root, district: str, year: int | None = None) -> tuple[list[Finding], int]:
    """The audit of a district's published ``reports/<id>/<year>/indikatoren.csv`` with the
    project's catalogue, the district's Sozialräume and the configured threshold."""
    from pathlib import Path

    from sozialbericht.core.config import load_project, load_yaml

    root = Path(root)
    config = load_yaml(root / "config" / "config.yaml")
    project = load_project({**config, "districts": [district]}, root)
    cfg = project.districts[district]
    year = year or project.year
    path = root / config.get("paths", {}).get("reports", "reports") / district / str(year) / "indikatoren.csv"
    df = pd.read_csv(path, dtype={"area_id": str, "period": str, "flag": str}, keep_default_na=False, na_values={"value": [""]})
    kreis = cfg["kreis"]
    sozialraeume = {f"{kreis}-{s['id']}": s["gemeinden"] for s in cfg.get("sozialraeume", [])}
    threshold = int(project.config.get("disclosure", {}).get("min_count", 3))
    return audit(df, project.catalogue, kreis, sozialraeume, threshold), threshold
