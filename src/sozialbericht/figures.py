"""Figures of the report (matplotlib, Agg): deterministic PNGs with German number formatting.

Every function returns the matplotlib Figure; ``save`` writes it without timestamps so that the
same data gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.patches import Patch, Polygon  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from sozialbericht.formatting import number  # noqa: E402

#: Colour-blind safe palette (Okabe-Ito): district, Land, Germany, others.
COLORS = {"district": "#0072B2", "land": "#E69F00", "bund": "#555555", "other": "#BBBBBB", "male": "#0072B2", "female": "#D55E00"}

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "axes.titlesize": 10, "axes.titleweight": "bold", "figure.dpi": 100, "svg.hashsalt": "sozialbericht",
    "axes.formatter.use_locale": False,
})


def _de_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _: number(v, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def save(fig, path: str | Path, dpi: int = 150) -> Path:
    """Write a PNG without creation time or software stamp (byte-identical reruns)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return path


def population_pyramid(pyr: pd.DataFrame, area_id: str, compare_id: str | None, title: str, compare_label: str = ""):
    """Horizontal bars per age group: men left, women right, as % of the area's population per
    year of age (groups differ in width, so each is divided by its width; the open group "75 and
    older" counts as 15 years). The comparison area (e.g. the Land) is drawn as an outline."""
    fig, ax = plt.subplots(figsize=(7, 4.6))

    def shares(aid):
        d = pyr[pyr["area_id"] == aid]
        total = d["value"].sum()
        m = d[d["sex"] == "männlich"].sort_values("age_from")
        w = d[d["sex"] == "weiblich"].sort_values("age_from")
        starts = m["age_from"].to_numpy()
        widths = np.diff(np.append(starts, starts[-1] + 15))
        return m["age_label"].tolist(), m["value"].to_numpy() / total * 100 / widths, w["value"].to_numpy() / total * 100 / widths

    labels, m, w = shares(area_id)
    y = np.arange(len(labels))
    ax.barh(y, -m, color=COLORS["male"], label="Männer")
    ax.barh(y, w, color=COLORS["female"], label="Frauen")
    if compare_id is not None:
        _, cm, cw = shares(compare_id)
        edges = np.arange(len(labels) + 1) - 0.5
        ax.stairs(-cm, edges, orientation="horizontal", baseline=None, color="black", linewidth=1, label=compare_label)
        ax.stairs(cw, edges, orientation="horizontal", baseline=None, color="black", linewidth=1)
    ax.set_yticks(y, [lbl.replace(" Jahre", "").replace("bis unter", "–") for lbl in labels])
    lim = max(m.max(), w.max()) * 1.15
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(abs(v), 2)))
    ax.set_xlabel("Anteil an der Bevölkerung je Altersjahr in %")
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", frameon=False)
    return fig


def trend_lines(series: pd.DataFrame, title: str, ylabel: str, decimals: int = 1):
    """Lines per area over time. ``series``: columns label, role (district/land/bund), year, value."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for (label, role), d in series.groupby(["label", "role"], sort=False):
        d = d.sort_values("year")
        ax.plot(d["year"], d["value"], marker="o", markersize=3, color=COLORS.get(role, COLORS["other"]),
                linewidth=2 if role == "district" else 1.3, label=label)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", decimals)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="y", linewidth=0.3)
    ax.legend(frameon=False, fontsize=8)
    return fig


def comparison_bars(values: pd.DataFrame, title: str, xlabel: str, decimals: int = 1):
    """Horizontal bars sorted by value. ``values``: columns label, role, value."""
    d = values.sort_values("value")
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(d) + 0.9))
    colors = [COLORS.get(r, COLORS["other"]) for r in d["role"]]
    ax.barh(d["label"], d["value"], color=colors)
    for i, v in enumerate(d["value"]):
        ax.text(v, i, f" {number(v, decimals)} " if v >= 0 else f" {number(v, decimals)} ", va="center",
                ha="left" if v >= 0 else "right", fontsize=7)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    _de_axis(ax, "x", decimals)
    lo, hi = min(0.0, d["value"].min()), max(0.0, d["value"].max())
    pad = (hi - lo) * 0.12
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    ax.axvline(0, color="black", linewidth=0.5)
    return fig


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"][:1]
    return [poly[0] for poly in geometry["coordinates"]]


def _map(geo: dict, color_of, title: str, legend_title: str, handles: list, labels: dict[str, str] | None,
         outline_id: str | None):
    """Draw Gemeinden filled by ``color_of(area_id)``, their labels, the district outline and a legend."""
    fig, ax = plt.subplots(figsize=(7, 6))
    for feat in geo["features"]:
        aid = feat["properties"]["area_id"]
        if aid == outline_id:
            for r in _rings(feat["geometry"]):
                a = np.asarray(r)
                ax.plot(a[:, 0], a[:, 1], color="black", linewidth=1, zorder=3)
            continue
        patches = [Polygon(np.asarray(r), closed=True) for r in _rings(feat["geometry"])]
        ax.add_collection(PatchCollection(patches, facecolor=color_of(aid), edgecolor="white", linewidth=0.6))
        if labels and aid in labels:
            xy = np.asarray(max(_rings(feat["geometry"]), key=len)).mean(axis=0)
            ax.text(xy[0], xy[1], labels[aid], ha="center", va="center", fontsize=6.5, zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.axis("off")
    ax.set_title(title, loc="left")
    ax.legend(handles=handles, title=legend_title, loc="lower left", frameon=False, fontsize=7, title_fontsize=7.5,
              bbox_to_anchor=(1.0, 0.0))
    return fig


def choropleth(geo: dict, values: dict[str, float], title: str, legend_title: str, bins: list[float],
               labels: dict[str, str] | None = None, outline_id: str | None = None, diverging: bool = True):
    """Map of Gemeinden coloured by class. ``values``: area_id → value; ``bins``: class bounds."""
    cmap = ListedColormap(plt.get_cmap("RdBu" if diverging else "Blues")(np.linspace(0.1, 0.9, len(bins) - 1)))
    norm = BoundaryNorm(bins, cmap.N)

    def color_of(aid):
        v = values.get(aid)
        return "#DDDDDD" if v is None or np.isnan(v) else cmap(norm(v))

    handles = [Patch(facecolor=cmap(i), label=f"{number(bins[i], 1)} bis unter {number(bins[i + 1], 1)}")
               for i in range(len(bins) - 1)]
    return _map(geo, color_of, title, legend_title, handles, labels, outline_id)


def choropleth_categories(geo: dict, categories: dict[str, str], colors: dict[str, str], title: str, legend_title: str,
                          labels: dict[str, str] | None = None, outline_id: str | None = None):
    """Map of Gemeinden coloured by category (e.g. social index groups); grey: not classified."""
    used = [c for c in colors if c in set(categories.values())]
    handles = [Patch(facecolor=colors[c], label=c) for c in used] + [Patch(facecolor="#DDDDDD", label="nicht bewertet")]
    return _map(geo, lambda aid: colors.get(categories.get(aid, ""), "#DDDDDD"), title, legend_title, handles, labels,
                outline_id)


def index_lines(series: pd.DataFrame, title: str, ylabel: str):
    """Lines per group over time, each indexed to its first year = 100 (``series``: label, year, value)."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#555555", "#000000"]
    for i, (label, d) in enumerate(series.groupby("label", sort=False)):
        d = d.sort_values("year")
        ax.plot(d["year"], d["value"] / d["value"].iloc[0] * 100, color=palette[i % len(palette)],
                linewidth=2 if label == "insgesamt" else 1.3, linestyle="-" if i < 4 else "--", label=label)
    ax.axhline(100, color="black", linewidth=0.5)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", 0)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="y", linewidth=0.3)
    ax.legend(frameon=False, fontsize=7, ncol=2)
    return fig


def supply_bars(labels: list[str], actual: list[float], benchmark: list[float], title: str, xlabel: str):
    """Capacity per field (bars) against its benchmark (black marks)."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(labels) + 1.0))
    y = np.arange(len(labels))
    ax.barh(y, actual, color=[COLORS["district"] if a >= b else COLORS["female"] for a, b in zip(actual, benchmark)],
            label="vorhanden")
    ax.scatter(benchmark, y, marker="|", s=400, color="black", label="Richtwert", zorder=3)
    for i, (a, b) in enumerate(zip(actual, benchmark)):
        ax.text(max(a, b), i, f"  {number(a / b * 100, 0)} % des Richtwerts", va="center", fontsize=7)
    ax.set_yticks(y, labels)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    _de_axis(ax, "x", 2)
    ax.set_xlim(0, max(max(actual), max(benchmark)) * 1.6)
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    return fig
