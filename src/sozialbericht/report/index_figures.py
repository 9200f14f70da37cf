"""Figures of the social index: the map of its groups and the rank intervals of its areas.

Drawn like every figure of the report (``figures``: palette, fonts, deterministic SVG by
``figures.save``); a class that is "unsicher" (the robustness analysis, compute/robustness.py) is
marked by shape and outline, never by colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sozialbericht.core.formatting import number
from sozialbericht.report.figures import (
    COLORS,
    DYNAMIC_HATCH,
    MARK,
    NO_VALUE,
    STATUS_COLORS,
    TEXT_HEIGHT,
    _legend_below,
    _map,
    plt,
)

#: The rank intervals: a sure class in the district's blue with a filled circle, an unsure one in
#: dark orange with an open square (shape and colour differ).
SURE = {"color": COLORS["district"], "marker": "o", "markerfacecolor": COLORS["district"]}
UNSURE = {"color": COLORS["female"], "marker": "s", "markerfacecolor": "white"}


def social_index_map(
    geo: dict,
    classes: dict[str, tuple[str, str]],
    title: str,
    labels: dict[str, str] | None = None,
    outline_id: str | None = None,
    unsure: set[str] | frozenset = frozenset(),
):
    """Map of the social index: status class by colour, dynamics by hatching (every one of the 12
    groups looks different; colour-blind safe: blue–orange and light–dark); the Gemeinden whose
    status class is unsure get a dashed outline, named in the legend."""
    used = sorted({c for c in classes.values()}, key=lambda c: (list(STATUS_COLORS).index(c[0]), list(DYNAMIC_HATCH).index(c[1])))

    def style_of(aid):
        c = classes.get(aid)
        return (STATUS_COLORS[c[0]], DYNAMIC_HATCH[c[1]]) if c else (NO_VALUE, "")

    handles = [
        Patch(facecolor=STATUS_COLORS[s], hatch=DYNAMIC_HATCH[d], edgecolor="white", label=f"Status {s}, Dynamik {d}")
        for s, d in used
    ]
    handles.append(Patch(facecolor=NO_VALUE, label="nicht bewertet"))
    marked = set(unsure) & set(classes)
    if marked:
        handles.append(Patch(**{**MARK, "linewidth": 1.2}, label="Statusklasse unsicher (gestrichelter Rand)"))
    return _map(geo, style_of, title, "Status / Dynamik", handles, labels, outline_id, marked)


def rank_intervals(ranks: pd.DataFrame, title: str, draws: int):
    """One row per area (``ranks``: label, rang, rang_median, rang_p05, rang_p95, unsicher), the
    area of rank 1 (the highest status index) at the top: the 5–95 % interval of its rank over the
    draws as a line, the median rank as a mark, its rank in the report as a black tick."""
    d = ranks.sort_values(["rang", "label"], kind="stable").reset_index(drop=True)
    n = len(d)
    fig, ax = plt.subplots(figsize=(6.5, min(TEXT_HEIGHT, 0.24 * n + 1.3)))
    y = np.arange(n)[::-1]
    for yi, r in zip(y, d.itertuples()):
        style = UNSURE if r.unsicher else SURE
        ax.plot([r.rang_p05, r.rang_p95], [yi, yi], color=style["color"], linewidth=2.4, solid_capstyle="butt")
        ax.plot([r.rang_median], [yi], linestyle="none", markersize=5, markeredgewidth=1.4, zorder=3, **style)
        ax.plot([r.rang], [yi], linestyle="none", marker="|", markersize=9, color="black", zorder=4)
    ax.set_yticks(y, [f"{r.label} (unsicher)" if r.unsicher else r.label for r in d.itertuples()], fontsize=7 if n <= 40 else 6)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0.5, max(n, 2) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0)))
    ax.set_xlabel("Rang im Statusindex (1 = höchster Wert, am stärksten benachteiligt)")
    ax.grid(axis="x", linewidth=0.3, color="#BBBBBB")
    ax.set_title(title, loc="left")
    _legend_below(
        fig,
        ax,
        [
            Line2D([0], [0], linewidth=2.4, markersize=5, **SURE, label="Klasse sicher"),
            Line2D([0], [0], linewidth=2.4, markersize=5, markeredgewidth=1.4, **UNSURE, label="Klasse unsicher"),
            Line2D([0], [0], linestyle="none", marker="|", markersize=9, color="black", label="Rang im Bericht"),
        ],
        title=f"Linie: 5–95 % der Ränge in {number(draws)} Varianten, Punkt: Median",
        title_fontsize=7,
    )
    return fig
