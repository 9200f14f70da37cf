"""What changed between two versions of the published indicator tables, in German.

Compares ``reports/<district>/<year>/indikatoren.csv`` between two git refs (or a ref and the
working tree): values that changed by more than a threshold (percent of the old value), values
that appeared or disappeared, and areas and indicators that appeared or disappeared; and, for a
new report, the previous year's published values next to its own (``previous_report``).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialbericht.core import formatting as fmt

KEY = ["indicator_id", "area_id", "period"]
WORKTREE = "WORKTREE"


def read_indicators(source: str | Path | io.StringIO) -> pd.DataFrame:
    return pd.read_csv(
        source,
        dtype={"area_id": str, "period": str, "flag": str, "unit": str, "comparison": str},
        keep_default_na=False,
        na_values={"value": [""], "lower": [""], "upper": [""]},
    )


@dataclass
class Changes:
    changed: pd.DataFrame
    appeared: pd.DataFrame
    disappeared: pd.DataFrame
    new_areas: list[str]
    gone_areas: list[str]
    new_indicators: list[str]
    gone_indicators: list[str]

    @property
    def empty(self) -> bool:
        return not (len(self.changed) or len(self.appeared) or len(self.disappeared))


def compare(old: pd.DataFrame, new: pd.DataFrame, threshold_percent: float = 1.0) -> Changes:
    """Values changed by more than ``threshold_percent`` % of the old value (or a marker changed)."""
    both = old.merge(new, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    common = both[both["_merge"] == "both"].copy()
    diff = (common["value_new"] - common["value_old"]).abs()
    base = common["value_old"].abs()
    relative = diff / base.where(base != 0) * 100
    value_changed = (relative > threshold_percent) | ((base == 0) & (diff > 0))
    marker_changed = common["value_old"].isna() != common["value_new"].isna()
    marker_changed |= common["flag_old"].fillna("") != common["flag_new"].fillna("")
    mask = value_changed | marker_changed
    changed = common[mask].copy()
    changed["change_percent"] = relative[mask]  # (assign on an empty frame would adopt the full index)
    appeared = both[both["_merge"] == "right_only"]
    disappeared = both[both["_merge"] == "left_only"]
    names = {**dict(zip(old["area_id"], old["area_name"])), **dict(zip(new["area_id"], new["area_name"]))}
    label = lambda ids: sorted(f"{names.get(a, '')} ({a})" for a in ids)  # noqa: E731
    return Changes(
        changed=changed.sort_values(KEY),
        appeared=appeared.sort_values(KEY),
        disappeared=disappeared.sort_values(KEY),
        new_areas=label(set(new["area_id"]) - set(old["area_id"])),
        gone_areas=label(set(old["area_id"]) - set(new["area_id"])),
        new_indicators=sorted(set(new["indicator_id"]) - set(old["indicator_id"])),
        gone_indicators=sorted(set(old["indicator_id"]) - set(new["indicator_id"])),
    )


def previous_report(current: pd.DataFrame, previous_csv: Path | None, kreis: str, land: str) -> dict | None:
    """Newest values of the previous year's published report next to this report's, for the
    district, its Land and Germany; plus the number of values of the same dates that were revised."""
    if previous_csv is None or not Path(previous_csv).exists():
        return None
    old = read_indicators(previous_csv)
    rows = []
    for (ind, area), now in current[current["area_id"].isin([kreis, land, "DG"])].groupby(
        ["indicator_id", "area_id"], sort=False
    ):
        before = old[(old["indicator_id"] == ind) & (old["area_id"] == area)]
        if before.empty:
            continue
        a, b = before.sort_values("period").iloc[-1], now.sort_values("period").iloc[-1]
        rows.append(
            {
                "indicator_id": ind,
                "area_id": area,
                "period_prev": a["period"],
                "value_prev": a["value"],
                "flag_prev": a["flag"],
                "period_now": b["period"],
                "value_now": b["value"],
                "flag_now": b["flag"],
            }
        )
    revised = compare(
        old[old["area_id"].isin([kreis, land, "DG"])], current[current["area_id"].isin([kreis, land, "DG"])], 0.0
    ).changed
    return {"file": Path(previous_csv).name, "rows": rows, "revised": int(len(revised))}


def _show(value, flag, unit) -> str:
    return fmt.with_unit(
        value, unit if unit != "Anzahl" else "", 0 if unit == "Anzahl" else 1, flag if isinstance(flag, str) else ""
    )


def _values(n: int) -> str:
    return f"{n} Wert" if n == 1 else f"{n} Werte"


def to_markdown(changes: Changes, title: str, threshold_percent: float, limit: int = 200) -> str:
    """German Markdown summary of one report's changes (for the terminal or a merge request)."""
    c = changes
    lines = [
        f"## {title}",
        "",
        f"- {_values(len(c.changed))} um mehr als {fmt.number(threshold_percent, 1)} % geändert, "
        f"{_values(len(c.appeared))} neu, {_values(len(c.disappeared))} entfallen.",
    ]
    for text, items in (
        ("Neue Gebiete", c.new_areas),
        ("Entfallene Gebiete", c.gone_areas),
        ("Neue Indikatoren", c.new_indicators),
        ("Entfallene Indikatoren", c.gone_indicators),
    ):
        if items:
            lines.append(f"- {text}: {', '.join(items)}")
    if len(c.changed):
        lines += ["", "| Indikator | Gebiet | Stichtag | alt | neu | Änderung |", "|:--|:--|:--|--:|--:|--:|"]
        for r in c.changed.head(limit).itertuples(index=False):
            unit = r.unit_new if isinstance(r.unit_new, str) else r.unit_old
            change = "Zeichen geändert" if pd.isna(r.change_percent) else f"{fmt.signed(r.change_percent)} %"
            lines.append(
                f"| {r.indicator_id} | {r.area_name_new} ({r.area_id}) | {fmt.date(r.period)} | "
                f"{_show(r.value_old, r.flag_old, unit)} | {_show(r.value_new, r.flag_new, unit)} | {change} |"
            )
        if len(c.changed) > limit:
            lines.append(f"\n… und {len(c.changed) - limit} weitere geänderte Werte.")
    return "\n".join(lines) + "\n"


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def indicator_tables(ref: str, root: Path, reports: str = "reports") -> dict[str, pd.DataFrame]:
    """Every published indikatoren.csv at a git ref (or in the working tree for ``WORKTREE``)."""
    if ref == WORKTREE:
        return {p.relative_to(root).as_posix(): read_indicators(p) for p in sorted((root / reports).glob("*/*/indikatoren.csv"))}
    names = [
        n for n in _git(root, "ls-tree", "-r", "--name-only", ref, "--", reports).splitlines() if n.endswith("/indikatoren.csv")
    ]
    return {n: read_indicators(io.StringIO(_git(root, "show", f"{ref}:{n}"))) for n in names}


def diff_refs(from_ref: str, to_ref: str, root: Path, threshold_percent: float = 1.0) -> str:
    """The German change summary between two versions of every published report."""
    old, new = indicator_tables(from_ref, root), indicator_tables(to_ref, root)
    parts = [f"# Änderungen der Sozialberichte zwischen {from_ref} und {to_ref}", ""]
    for name in sorted(set(old) | set(new)):
        if name not in old:
            parts.append(f"## {name}\n\n- Neuer Bericht ({len(new[name])} Werte).\n")
        elif name not in new:
            parts.append(f"## {name}\n\n- Bericht entfallen.\n")
        else:
            changes = compare(old[name], new[name], threshold_percent)
            parts.append(
                to_markdown(changes, name, threshold_percent) if not changes.empty else f"## {name}\n\n- Keine Änderungen.\n"
            )
    if len(parts) == 2:
        parts.append("Keine veröffentlichten Berichte gefunden.\n")
    return "\n".join(parts)
