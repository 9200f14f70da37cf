"""Figure of the comparable Kreise: per key indicator the middle range of the group (P25 to P75),
its median and the Kreis's value.

Drawn like every figure of the report (``figures``: palette, fonts, German numbers,
deterministic SVG by ``figures.save``). Each indicator has its own axis in its own unit (the
indicators share no scale). Where the Kreis lies is said by the mark's shape as well as its
colour: a circle inside the range, a triangle pointing right above it, one pointing left below.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sozialbericht.core.formatting import number
from sozialbericht.report.figures import COLORS, TEXT_HEIGHT, _legend_below, plt

#: The group's middle range: a light band with a grey edge (the edge ≥ 3:1 against white).
BAND = {"facecolor": "#DDDDDD", "edgecolor": COLORS["other"], "linewidth": 1.0}
MEDIAN_COLOR = COLORS["bund"]
#: The Kreis's mark by its position to the range (shape and colour differ; each colour ≥ 3:1).
MARKS = {
    "innerhalb": {"marker": "o", "color": COLORS["district"], "label": "im mittleren Bereich"},
    "oberhalb": {"marker": ">", "color": COLORS["female"], "label": "über dem mittleren Bereich"},
    "unterhalb": {"marker": "<", "color": COLORS["female"], "label": "unter dem mittleren Bereich"},
}
ROW_HEIGHT = 0.62


def _limits(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.16 or abs(hi) * 0.05 or 1.0
    return lo - pad, hi + pad


def comparison_ranges(rows: pd.DataFrame, title: str, kreis_label: str):
    """One panel per row of ``rows`` (label, decimals, value, median, p25, p75, position), in the
    given order: the band P25–P75, the median as a vertical line, the Kreis's value as a mark."""
    d = rows.reset_index(drop=True)
    n = len(d)
    fig, axes = plt.subplots(n, 1, figsize=(6.5, min(TEXT_HEIGHT, ROW_HEIGHT * n + 0.6)), squeeze=False)
    for ax, r in zip(axes[:, 0], d.itertuples()):
        known = [x for x in (r.value, r.median, r.p25, r.p75) if not pd.isna(x)]
        if not pd.isna(r.p25) and not pd.isna(r.p75):
            ax.barh(0, r.p75 - r.p25, left=r.p25, height=0.56, **BAND)
        if not pd.isna(r.median):
            ax.plot([r.median, r.median], [-0.28, 0.28], color=MEDIAN_COLOR, linewidth=1.8)
        if not pd.isna(r.value):
            mark = MARKS.get(r.position, MARKS["innerhalb"])
            ax.plot(
                [r.value],
                [0],
                linestyle="none",
                marker=mark["marker"],
                color=mark["color"],
                markersize=8,
                zorder=3,
                clip_on=False,
            )
        ax.set_xlim(*_limits(known or [0.0]))
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([0], ["\n".join(textwrap.wrap(str(r.label), 34))], fontsize=7)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _, dec=int(r.decimals): number(v, dec)))
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", linewidth=0.3, color="#BBBBBB")
        ax.spines["left"].set_visible(False)
    axes[0, 0].set_title(title, loc="left")
    fig.subplots_adjust(hspace=0.9)
    used = list(dict.fromkeys(p if p in MARKS else "innerhalb" for p in d["position"]))
    _legend_below(
        fig,
        axes[-1, 0],
        [
            Patch(**BAND, label="mittlerer Bereich der Vergleichskreise (P25 bis P75)"),
            Line2D([0], [0], color=MEDIAN_COLOR, linewidth=1.8, label="Median der Vergleichskreise"),
            *(
                Line2D([0], [0], linestyle="none", marker=MARKS[p]["marker"], color=MARKS[p]["color"], markersize=7,
                       label=f"{kreis_label}: {MARKS[p]['label']}")
                for p in sorted(used, key=list(MARKS).index)
            ),
        ],
        ncol=2,
    )  # fmt: skip
    return fig
