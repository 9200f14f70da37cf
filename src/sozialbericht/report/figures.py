"""Figures of the report (matplotlib): deterministic SVGs with German number formatting.

Every function returns the matplotlib Figure; ``save`` writes it without timestamps so that the
same data gives byte-identical files. Colours are colour-blind safe (Okabe–Ito hues, darkened)
and every line, bar and mark has at least 3:1 contrast against white (WCAG 2.1, 1.4.11); the
text of the charts uses the body font of the PDF (DejaVu Sans).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgb  # noqa: E402
from matplotlib.patches import Patch, Polygon  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from sozialbericht.core.formatting import number  # noqa: E402
from sozialbericht.report.significance import SIMILAR_HATCH, SIMILAR_LABEL  # noqa: E402

#: Roles of areas in comparisons: the district, its Land, Germany, other Kreise; sexes.
COLORS = {"district": "#0072B2", "land": "#A65300", "bund": "#333333", "other": "#7A7A7A", "male": "#0072B2", "female": "#B8450D"}
#: Lines of several groups (projection): distinct hues, each ≥ 3:1 against white.
SERIES = ["#0072B2", "#A65300", "#007A5E", "#B8450D", "#8E4F88", "#333333", "#5A6E00", "#1D4E89"]
#: Social index: status classes (light → dark = better → worse) and dynamics by hatching.
STATUS_COLORS = {"hoch": "#9ECAE1", "mittel": "#4292C6", "niedrig": "#C2570C", "sehr niedrig": "#7F2704"}
DYNAMIC_HATCH = {"positiv": "", "stabil": "..", "negativ": "///"}
NO_VALUE = "#E0E0E0"
#: The line width of the hatching of Gemeinden not different from the Kreis (thinner than the
#: index map's, so the class colour stays readable beneath it).
SIMILAR_HATCH_WIDTH = 0.7

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        # titles of charts sit just above their axes, where the automatic placement puts them when
        # nothing is drawn above the axes (it measures every tick label on each draw, a tenth of
        # the cost of a chart); maps keep it, their labels may reach above the axes
        "axes.titley": 1.0,
        "figure.dpi": 100,
        "svg.hashsalt": "sozialbericht",
        # text stays text (<text> in DejaVu Sans): a third of the cost of writing glyph outlines, a third
        # of the size; Typst sets it with the report's fonts, browsers with DejaVu Sans or a sans-serif
        "svg.fonttype": "none",
        "axes.formatter.use_locale": False,
        "hatch.color": "#FFFFFF",
        "hatch.linewidth": 1.0,
    }
)


def relative_luminance(color: str) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b="#FFFFFF") -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _de_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _: number(v, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def save(fig, path: str | Path) -> Path:
    """Write an SVG without date or software stamp (byte-identical reruns), cropped to its content
    with 0.1 inch margin.

    The same crop as ``bbox_inches="tight"``, which draws the figure twice: the content's box is
    measured with the SVG renderer's own text metrics, then the figure is drawn once."""
    from functools import partial

    from matplotlib.backend_bases import _get_renderer
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = fig.canvas
    renderer = _get_renderer(fig, partial(FigureCanvasSVG(fig).print_svg))
    for ax in fig.axes:  # as drawing does first (maps: equal aspect shrinks the axes)
        locator = ax.get_axes_locator()
        ax.apply_aspect(locator(ax, renderer) if locator else None)
    box = fig.get_tightbbox(renderer).padded(0.1)
    fig.set_canvas(canvas)
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    plt.close(fig)
    return path


def densest_age_group(pyr: pd.DataFrame, area_id: str) -> tuple[str, float]:
    """The age group with the most people per year of age (both sexes), among the groups of known
    width: groups of 3, 5 or 10 years compare by their people per year, as the pyramid draws
    them; the open group ("75 Jahre und mehr") has no width and is left out. (label, people per year)."""
    d = pyr[pyr["area_id"] == area_id].groupby(["age_from", "age_label"], as_index=False)["value"].sum().sort_values("age_from")
    starts = d["age_from"].to_numpy()
    closed = d.iloc[:-1].assign(per_year=d["value"].to_numpy()[:-1] / np.diff(starts))
    best = closed.loc[closed["per_year"].idxmax()]
    return str(best["age_label"]), float(best["per_year"])


def population_pyramid(pyr: pd.DataFrame, area_id: str, compare_id: str | None, title: str, compare_label: str = ""):
    """Horizontal bars per age group: men left, women right, as % of the area's population per
    year of age (groups differ in width, so each is divided by its width; the open group "75 and
    older" is drawn as 15 years wide, 75 to 90, as the note under the figure says). The
    comparison area (e.g. the Land) is drawn as an outline."""
    fig, ax = plt.subplots(figsize=(6.5, 4.6))

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
        ax.stairs(-cm, edges, orientation="horizontal", baseline=None, color="black", linewidth=1.2, label=compare_label)
        ax.stairs(cw, edges, orientation="horizontal", baseline=None, color="black", linewidth=1.2)
    ax.set_yticks(y, [lbl.replace(" Jahre", "").replace("bis unter", "–").replace(" und mehr", " und älter") for lbl in labels])
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
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    styles = {"district": "-", "land": "--", "bund": ":"}
    for (label, role), d in series.groupby(["label", "role"], sort=False):
        d = d.sort_values("year")
        ax.plot(
            d["year"],
            d["value"],
            marker="o",
            markersize=3.5,
            color=COLORS.get(role, COLORS["other"]),
            linestyle=styles.get(role, "-"),
            linewidth=2.2 if role == "district" else 1.6,
            label=label,
        )
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", decimals)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="y", linewidth=0.3, color="#BBBBBB")
    ax.legend(frameon=False, fontsize=8)
    return fig


#: Height of the text area of an A4 page of the report (inches): no figure may be taller.
TEXT_HEIGHT = 9.0
#: Above this many bars a comparison chart gets two panels side by side (96 Kreise in Bayern).
BARS_PER_PANEL = 40


def comparison_bars(values: pd.DataFrame, title: str, xlabel: str, decimals: int = 1):
    """Horizontal bars sorted by value, one bar per row of ``values`` (columns label, role, value):
    bars are placed by position, so two areas with the same label are still two bars. Many bars
    are split into two panels; the figure is never taller than the text area."""
    d = values.sort_values("value", kind="stable").reset_index(drop=True)
    panels = 2 if len(d) > BARS_PER_PANEL else 1
    per = -(-len(d) // panels)
    height = min(TEXT_HEIGHT, 0.28 * per + 0.9)
    fig, axes = plt.subplots(1, panels, figsize=(6.5, height), squeeze=False)
    lo, hi = min(0.0, d["value"].min()), max(0.0, d["value"].max())
    pad = (hi - lo) * 0.14 * panels or 1
    size = 7 if per <= BARS_PER_PANEL else 6
    for k, ax in enumerate(axes[0]):
        # read like one column: the largest values at the top of the first panel, on to the second
        end = len(d) - k * per
        part = d.iloc[max(0, end - per) : end]
        y = np.arange(len(part)) + (per - len(part))
        ax.barh(y, part["value"], color=[COLORS.get(r, COLORS["other"]) for r in part["role"]])
        ax.set_yticks(y, list(part["label"]), fontsize=size)
        ax.set_ylim(-0.6, per - 0.4)
        for i, v in zip(y, part["value"]):
            ax.text(v, i, f" {number(v, decimals)} ", va="center", ha="left" if v >= 0 else "right", fontsize=size)
        ax.set_xlabel(xlabel)
        _de_axis(ax, "x", decimals)
        ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
        ax.axvline(0, color="black", linewidth=0.5)
    axes[0][0].set_title(title, loc="left")
    if panels > 1:
        fig.subplots_adjust(wspace=0.9)
    return fig


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"][:1]
    return [poly[0] for poly in geometry["coordinates"]]


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def label_point(ring) -> tuple[float, float]:
    """A point inside the ring for its label: the centroid where it lies inside, else the middle
    of the widest inside stretch of the horizontal line through it (a bent Gemeinde's centroid may
    lie in its neighbour)."""
    ring = np.asarray(ring, dtype=float)
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    if matplotlib.path.Path(ring).contains_point((cx, cy)):
        return float(cx), float(cy)
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y <= cy) != (y2 <= cy)
    xs = np.sort(x[crosses] + (cy - y[crosses]) * (x2[crosses] - x[crosses]) / (y2[crosses] - y[crosses]))
    pairs = xs[: len(xs) // 2 * 2].reshape(-1, 2)
    if not len(pairs):
        return float(x.mean()), float(y.mean())
    widest = pairs[np.argmax(pairs[:, 1] - pairs[:, 0])]
    return float(widest.mean()), float(cy)


#: Where a map label may sit relative to its Gemeinde's label point, in label heights and widths:
#: on it, then above, below, beside; a label that fits nowhere becomes a number with a key.
_LABEL_OFFSETS = [(0, 0), (0, 1), (0, -1), (0.5, 0), (-0.5, 0), (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1), (0, 2), (0, -2)]


def _place_labels(fig, ax, anchors: list[tuple[str, tuple[float, float]]], fontsize: float) -> list[str]:
    """Put each label (largest Gemeinde first) at the first of :data:`_LABEL_OFFSETS` where it
    overlaps no placed label and stays inside the axes. A name that fits nowhere is drawn as a
    number; a number that fits nowhere turns the names in its way into numbers too. Returns the
    numbered names (number i + 1 is the i-th name)."""
    ax.apply_aspect()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: dict[int, tuple] = {}  # anchor index → (text artist, box, is a number); names may repeat
    numbered: list[str] = []
    style = {"ha": "center", "va": "center", "fontsize": fontsize, "zorder": 4, "parse_math": False}  # "$" is text
    style["bbox"] = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}

    def blockers(bb) -> list[int]:
        return [key for key, (_, other, _) in placed.items() if bb.overlaps(other)]

    def inside(bb) -> bool:
        return frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1

    def place(key: int, text: str, number: bool, force: bool = False) -> bool:
        xy = anchors[key][1]
        t = ax.text(*xy, text, **style)
        size = t.get_window_extent(renderer)
        for dx, dy in _LABEL_OFFSETS if not force else [(0, 0)]:
            t.set_position(ax.transData.inverted().transform(ax.transData.transform(xy) + (dx * size.width, dy * size.height)))
            bb = t.get_window_extent(renderer).padded(1)
            if force or (inside(bb) and not blockers(bb)):
                placed[key] = (t, bb, number)
                return True
        t.remove()
        return False

    queue = list(range(len(anchors)))
    while queue:
        key = queue.pop(0)
        name = anchors[key][0]
        if place(key, name, number=False):
            continue
        numbered.append(name)
        label = str(len(numbered))
        if place(key, label, number=True):
            continue
        # clear the number's own point of names (they become numbers in turn); numbers stay
        t = ax.text(*anchors[key][1], label, **style)
        in_way = [k for k in blockers(t.get_window_extent(renderer).padded(1)) if not placed[k][2]]
        t.remove()
        for other in in_way:
            placed.pop(other)[0].remove()
            queue.insert(0, other)
        if not place(key, label, number=True):
            place(key, label, number=True, force=True)  # only numbers in the way: on its point
        # names moved to the queue's head are placed (or numbered) next
    return numbered


#: How a map marks Gemeinden (``_map``'s ``marked``): a dashed black outline, not a colour.
MARK = {"facecolor": "none", "edgecolor": "#000000", "linewidth": 1.6, "linestyle": (0, (3, 2))}


def _map(
    geo: dict,
    style_of,
    title: str,
    legend_title: str,
    handles: list,
    labels: dict[str, str] | None,
    outline_id: str | None,
    marked: set[str] | frozenset = frozenset(),
):
    """Draw Gemeinden filled by ``style_of(area_id)`` → (colour, hatch or its keywords), their labels (placed so
    that no two overlap), the district outline and a legend; the Gemeinden in ``marked`` get a
    dashed outline (:data:`MARK`; the caller names it in ``handles``)."""
    with plt.rc_context({"axes.titley": None}):  # automatic title placement (see rcParams above)
        fig, ax = plt.subplots(figsize=(6.5, 5.6))
        ax.set_title(title, loc="left")
    many = labels is not None and len(labels) > 40
    anchors = []
    for feat in geo["features"]:
        aid = feat["properties"]["area_id"]
        if aid == outline_id:
            for r in _rings(feat["geometry"]):
                a = np.asarray(r)
                ax.plot(a[:, 0], a[:, 1], color="black", linewidth=1, zorder=3)
            continue
        color, hatch = style_of(aid)
        rings = [np.asarray(r, dtype=float) for r in _rings(feat["geometry"])]
        patches = [Polygon(r, closed=True) for r in rings]
        ax.add_collection(
            PatchCollection(
                patches,
                facecolor=color,
                edgecolor="white",
                linewidth=0.3 if many else 0.6,
                **(hatch if isinstance(hatch, dict) else {"hatch": hatch or None}),
            )
        )
        if aid in marked:
            ax.add_collection(PatchCollection([Polygon(r, closed=True) for r in rings], zorder=3, **MARK))
        if labels and aid in labels and not many:
            largest = max(rings, key=_ring_area)
            anchors.append((_ring_area(largest), labels[aid], label_point(largest)))
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.axis("off")
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="lower left",
        frameon=False,
        fontsize=7,
        title_fontsize=7.5,
        bbox_to_anchor=(1.0, 0.0),
    )
    anchors.sort(key=lambda a: (-a[0], a[1]))
    numbered = _place_labels(fig, ax, [(name, xy) for _, name, xy in anchors], fontsize=6.5)
    if numbered:  # the key of the numbers in columns under the map
        _legend_below(
            fig,
            ax,
            [Patch(facecolor="none", edgecolor="none", label=f"{i} {name}") for i, name in enumerate(numbered, 1)],
            ncol=4,
            title="Nummern in der Karte",
            title_fontsize=7.5,
            handlelength=0,
            handletextpad=0,
            columnspacing=1.5,
        )
    return fig


def choropleth(
    geo: dict,
    values: dict[str, float],
    title: str,
    legend_title: str,
    bins: list[float],
    labels: dict[str, str] | None = None,
    outline_id: str | None = None,
    diverging: bool = True,
    decimals: int = 1,
    similar: set[str] | frozenset = frozenset(),
):
    """Map of Gemeinden coloured by class. ``values``: area_id → value; ``bins``: class bounds;
    ``similar``: the Gemeinden whose value is not different from the Kreis value (hatched, in a
    dark or a white line, whichever stands out against the class's colour; named in the legend)."""
    cmap = ListedColormap(
        plt.get_cmap("PuOr_r" if diverging else "Blues")(
            np.linspace(0.12 if diverging else 0.3, 0.88 if diverging else 0.95, len(bins) - 1)
        )
    )
    norm = BoundaryNorm(bins, cmap.N)

    def style_of(aid):
        v = values.get(aid)
        color = NO_VALUE if v is None or np.isnan(v) else cmap(norm(v))
        return color, (similar_hatch(hatch_color(color)) if aid in similar and color is not NO_VALUE else "")

    handles = [
        Patch(facecolor=cmap(i), label=f"{number(bins[i], decimals)} bis unter {number(bins[i + 1], decimals)}")
        for i in range(len(bins) - 1)
    ]
    if any(v is None or np.isnan(v) for v in values.values()):
        handles.append(Patch(facecolor=NO_VALUE, label="kein Wert"))
    if set(similar) & {a for a, v in values.items() if v is not None and not np.isnan(v)}:
        handles.append(
            Patch(facecolor="white", edgecolor="#000000", linewidth=0.5, label=SIMILAR_LABEL, **similar_hatch("#000000"))
        )
    return _map(geo, style_of, title, legend_title, handles, labels, outline_id)


def similar_hatch(line: str) -> dict:
    """The hatching of a Gemeinde not different from the Kreis value, in the colour ``line``."""
    return {"hatch": SIMILAR_HATCH, "hatchcolor": line, "hatch_linewidth": SIMILAR_HATCH_WIDTH}


def hatch_color(fill) -> str:
    """The hatching's line colour on a fill: black on light, white on dark colours (the higher
    contrast of the two)."""
    return max(("#000000", "#FFFFFF"), key=lambda line: contrast_ratio(fill, line))


def index_lines(series: pd.DataFrame, title: str, ylabel: str, band: pd.DataFrame | None = None):
    """Lines per group over time, each indexed to its first year = 100 (``series``: label, year,
    value); ``band`` (label, year, low, high) draws the range of the variants as a shaded area."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = ["-", "--", "-.", ":"]
    for i, (label, d) in enumerate(series.groupby("label", sort=False)):
        d = d.sort_values("year")
        base = d["value"].iloc[0]
        color = SERIES[i % len(SERIES)]
        if band is not None and label in set(band["label"]):
            b = band[band["label"] == label].sort_values("year")
            ax.fill_between(b["year"], b["low"] / base * 100, b["high"] / base * 100, color=color, alpha=0.15, linewidth=0)
        ax.plot(
            d["year"],
            d["value"] / base * 100,
            color=color,
            linewidth=2.4 if label == "insgesamt" else 1.6,
            linestyle=styles[i % len(styles)],
            label=label,
        )
    ax.axhline(100, color="black", linewidth=0.5)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    _de_axis(ax, "y", 0)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="y", linewidth=0.3, color="#BBBBBB")
    ax.legend(frameon=False, fontsize=7, ncol=2)
    return fig


def supply_bars(labels: list[str], actual: list[float], benchmark: list[float], title: str, xlabel: str):
    """Capacity per field as percent of its benchmark (100 % = benchmark reached), so that fields
    measured per inhabitants and per minors share one comparable axis."""
    share = [a / b * 100 if b else np.nan for a, b in zip(actual, benchmark)]
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(labels) + 1.1))
    y = np.arange(len(labels))
    below = [s < 100 for s in share]
    ax.barh(y, share, color=[COLORS["female"] if b else COLORS["district"] for b in below])
    ax.axvline(100, color="black", linewidth=1.2, linestyle="--")
    for i, s in enumerate(share):
        ax.text(s, i, f"  {number(s, 0)} %", va="center", fontsize=7)
    ax.set_yticks(y, labels)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    _de_axis(ax, "x", 0)
    ax.set_xlim(0, max(max(share) * 1.25, 120))
    _legend_below(
        fig,
        ax,
        [
            Patch(facecolor=COLORS["district"], label="Richtwert erreicht"),
            Patch(facecolor=COLORS["female"], label="unter dem Richtwert"),
            matplotlib.lines.Line2D([0], [0], color="black", linestyle="--", label="Richtwert (100 %)"),
        ],
    )
    return fig


def _legend_below(fig, ax, handles: list, ncol: int | None = None, **style) -> None:
    """A legend under the axes and their labels (one row unless ``ncol``), where no bar, value
    label or map label can lie beneath it."""
    renderer = fig.canvas.get_renderer()
    below = ax.get_tightbbox(renderer).transformed(fig.transFigure.inverted()).y0
    fig.legend(
        handles=handles,
        frameon=False,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, below),
        ncol=ncol or len(handles),
        **style,
    )
