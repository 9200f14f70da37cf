"""Figures of the demand from the projection: children in the age bands of child care and primary
school per year, and the expected people in need of care.

Drawn like every figure of the report (``figures``: palette, fonts, deterministic SVG by
``figures.save``). The range of the three migration variants is a shaded band (children) or a
whisker (care); the counted base year differs from the expected years by colour and by hatching,
never by colour alone.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sozialbericht.core.formatting import number
from sozialbericht.report.figures import COLORS, SERIES, _de_axis, _legend_below, plt

#: Line styles of the bands, so that the lines differ without colour.
STYLES = ["-", "--", "-."]


def band_lines(series: pd.DataFrame, band: pd.DataFrame, title: str, ylabel: str):
    """Lines per group over time in absolute numbers (``series``: label, year, value; the y axis
    from 0), each with the range of the variants as a shaded area (``band``: label, year, low,
    high)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for i, (label, d) in enumerate(series.groupby("label", sort=False)):
        d = d.sort_values("year")
        color = SERIES[i % len(SERIES)]
        b = band[band["label"] == label].sort_values("year")
        if len(b):
            ax.fill_between(b["year"], b["low"], b["high"], color=color, alpha=0.18, linewidth=0)
        ax.plot(d["year"], d["value"], color=color, linewidth=2.0, linestyle=STYLES[i % len(STYLES)], label=label)
    ax.set_ylim(bottom=0, top=series["value"].max() * 1.15)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", 0)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="y", linewidth=0.3, color="#BBBBBB")
    ax.legend(frameon=False, fontsize=7, ncol=len(series["label"].unique()), loc="upper center")
    return fig


def care_bars(years: list[str], values: list[float], low: list[float], high: list[float], title: str, ylabel: str):
    """The counted people in need of care (the first bar, grey and hatched) and the expected ones
    (blue), each labelled with its number; the expected bars with a whisker over the range of the
    migration variants."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    x = list(range(len(years)))
    colors = [COLORS["other"], *[COLORS["district"]] * (len(years) - 1)]
    bars = ax.bar(x, values, color=colors, width=0.6)
    bars[0].set_hatch("//")
    err = [[v - lo for v, lo in zip(values[1:], low[1:])], [hi - v for v, hi in zip(values[1:], high[1:])]]
    ax.errorbar(x[1:], values[1:], yerr=err, fmt="none", ecolor="black", elinewidth=1.2, capsize=5)
    for i, v in enumerate(values):
        ax.text(i, max(v, high[i]) * 1.02, number(v), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, years)
    ax.set_ylim(0, max(high) * 1.15)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", 0)
    ax.grid(axis="y", linewidth=0.3, color="#BBBBBB")
    ax.set_axisbelow(True)
    _legend_below(
        fig,
        ax,
        [
            Patch(facecolor=COLORS["other"], hatch="//", label="gezählt (Pflegestatistik)"),
            Patch(facecolor=COLORS["district"], label="erwartet (mittlere Variante)"),
            Line2D([0], [0], color="black", linewidth=1.2, label="Spanne der Wanderungsvarianten"),
        ],
    )
    return fig
