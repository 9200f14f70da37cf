"""The chart and map palette: every line and bar colour has 3:1 contrast against the white page
(WCAG 2.1, 1.4.11), and the classes of the social index map stay distinct for readers with a
colour vision deficiency (simulated)."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from sozialbericht.report.figures import COLORS, DYNAMIC_HATCH, NO_VALUE, SERIES, STATUS_COLORS, contrast_ratio

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def _lab(color: str, vision: np.ndarray) -> np.ndarray:
    c = np.array(to_rgb(color))
    linear = vision @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    x, y, z = xyz / np.array([0.95047, 1.0, 1.08883])
    f = [np.cbrt(v) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_contrast_ratio_by_hand():
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the WCAG reference grey


@pytest.mark.parametrize("color", sorted(set(COLORS.values()) | set(SERIES)))
def test_lines_and_bars_have_three_to_one_contrast_against_white(color):
    assert contrast_ratio(color) >= 3.0, color


def test_series_colours_are_distinct():
    assert len(set(SERIES)) == len(SERIES)


@pytest.mark.parametrize("vision", sorted(CVD))
def test_social_index_classes_stay_distinct(vision):
    """Four status classes and "kein Wert": pairwise colour difference ΔE*ab ≥ 15 also when seen
    with protanopia, deuteranopia or tritanopia; the dynamics are told apart by hatching."""
    colors = [*STATUS_COLORS.values(), NO_VALUE]
    labs = [_lab(c, CVD[vision]) for c in colors]
    worst = min(np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[i + 1 :])
    assert worst >= 15, (vision, worst)
    assert len(set(DYNAMIC_HATCH.values())) == len(DYNAMIC_HATCH)


def _tight_viewbox(fig) -> list[float]:
    """The viewBox matplotlib's own ``bbox_inches="tight"`` (two draws) gives the figure."""
    import io
    import re

    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return [float(v) for v in re.search(r'viewBox="([^"]+)"', buf.getvalue())[1].split()]


def test_one_draw_crop_equals_matplotlibs_tight_crop(tmp_path):
    """``save`` draws a chart once; its crop must be the one of ``bbox_inches="tight"``: a bar chart
    with long labels, and a map whose labels reach above its axes (its title is placed above
    them, as matplotlib places it)."""
    import re

    import matplotlib.pyplot as plt

    from sozialbericht.report import figures

    def bars():
        fig, ax = plt.subplots(figsize=(6.5, 4.6))
        ax.barh([f"Verbandsgemeinde Nummer {i}" for i in range(14)], np.arange(14) * 1.3)
        ax.set_title("Arbeitslosenquote 2020 in %", loc="left")
        return fig

    def map_():
        square = lambda x, y: [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]  # noqa: E731
        geo = {
            "features": [
                {"properties": {"area_id": f"g{i}"}, "geometry": {"type": "Polygon", "coordinates": [square(i, i % 2)]}}
                for i in range(4)
            ]
        }
        return figures.choropleth(
            geo,
            {"g0": 1.0, "g1": -2.0, "g2": 0.5},
            "Veränderung in %",
            "Prozent",
            [-5, 0, 5],
            labels={f"g{i}": f"Gemeinde mit langem Namen {i}\nzweite Zeile" for i in range(4)},
        )

    for make in (bars, map_):
        expected = _tight_viewbox(make())
        svg = figures.save(make(), tmp_path / f"{make.__name__}.svg").read_text(encoding="utf-8")
        got = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg)[1].split()]
        assert got == pytest.approx(expected, abs=1e-3), make.__name__
        assert "<dc:date>" not in svg
    assert plt.get_fignums() == [], "save closes every figure"


def _grid(n: int, size: float = 1.0) -> dict:
    """n × n square Gemeinden, too small for their names."""
    features = []
    for i in range(n):
        for j in range(n):
            x, y = i * size, j * size
            ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
            features.append({"properties": {"area_id": f"{i}-{j}"}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"features": features}


@pytest.mark.parametrize("n", [2, 5, 6])
def test_map_labels_never_overlap_and_every_gemeinde_is_named(n):
    """Names that do not fit become numbers with a key under the map (Göttingen's dense east, Harz's
    Hedersleben beside Selke-Aue): no two texts overlap, and every Gemeinde is named once."""
    from sozialbericht.report.figures import choropleth

    geo = _grid(n)
    # names repeat (a Gemeinde and an uninhabited area of the same name, as in Holzminden)
    labels = {f["properties"]["area_id"]: f"Gemeinde Nummer {i // 2} am Langen Berg" for i, f in enumerate(geo["features"])}
    fig = choropleth(geo, {a: 1.0 for a in labels}, "Karte", "Klassen", [0, 1, 2], labels=labels)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts]
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert not [
        (a.get_text(), b.get_text())
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if boxes[i].overlaps(boxes[texts.index(b)])
    ]
    key = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    named = [t.get_text() for t in texts if not t.get_text().isdigit()] + [k.split(" ", 1)[1] for k in key]
    assert sorted(named) == sorted(labels.values())
    numbers = sorted(int(t.get_text()) for t in texts if t.get_text().isdigit())
    assert numbers == list(range(1, len(key) + 1))  # every number on the map has its line in the key
    assert (n == 2) == (key == [])  # four large areas keep their names


def test_label_point_lies_inside_a_bent_gemeinde():
    from matplotlib.path import Path as MplPath

    from sozialbericht.report.figures import label_point

    u_shape = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]  # centroid in the gap
    point = label_point(u_shape)
    assert MplPath(np.asarray(u_shape, float)).contains_point(point)


def test_map_labels_are_text_whatever_they_contain():
    """A name with "$" stays as written (matplotlib would set "$…$" as mathematics)."""
    from sozialbericht.report.figures import choropleth

    geo = _grid(2)
    names = ["Preis $5", "a$b$_c", "<script>x</script>", "Ort & Co"]
    labels = {f["properties"]["area_id"]: n for f, n in zip(geo["features"], names)}
    fig = choropleth(geo, {a: 1.0 for a in labels}, "Karte", "Klassen", [0, 1, 2], labels=labels)
    renderer = fig.canvas.get_renderer()
    texts = fig.axes[0].texts
    assert sorted(t.get_text() for t in texts) == sorted(names)
    assert all(not t._preprocess_math(t.get_text())[1] for t in texts)  # no mathtext
    assert all(t.get_window_extent(renderer).width > 0 for t in texts)


def _ranks():
    import pandas as pd

    return pd.DataFrame(
        {
            "label": ["Aue", "Bachdorf", "Clausberg"],
            "rang": [2, 1, 3],
            "rang_median": [2.0, 1.0, 2.5],
            "rang_p05": [2, 1, 2],
            "rang_p95": [3, 1, 3],
            "unsicher": [False, False, True],
        }
    )


def test_rank_intervals_rank_one_on_top_unsure_by_shape_and_colour_and_byte_identical(tmp_path):
    """The figure of rank intervals: one row per area, rank 1 at the top, an unsure class named in
    its label and drawn with another mark (open square) and colour than a sure one; written twice,
    the same SVG."""
    from sozialbericht.report import figures
    from sozialbericht.report.index_figures import SURE, UNSURE, rank_intervals

    fig = rank_intervals(_ranks(), "Rangintervalle", 1000)
    ax = fig.axes[0]
    ticks = sorted(((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()), reverse=True)
    assert [t for _, t in ticks] == ["Bachdorf", "Aue", "Clausberg (unsicher)"]
    marks = {(line.get_marker(), line.get_color()) for line in ax.lines if line.get_marker() in ("o", "s")}
    assert marks == {("o", SURE["color"]), ("s", UNSURE["color"])} and SURE["color"] != UNSURE["color"]
    intervals = sorted(tuple(line.get_xdata()) for line in ax.lines if line.get_marker() in ("None", "", None))
    assert (1, 1) in intervals and (2, 3) in intervals  # Bachdorf always first; Aue and Clausberg between 2 and 3
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Klasse sicher", "Klasse unsicher", "Rang im Bericht"]
    assert "1.000 Varianten" in fig.legends[0].get_title().get_text()
    a = figures.save(fig, tmp_path / "a.svg").read_bytes()
    b = figures.save(rank_intervals(_ranks(), "Rangintervalle", 1000), tmp_path / "b.svg").read_bytes()
    assert a == b and b"<dc:date>" not in a
    assert all(contrast_ratio(c) >= 3 for c in (SURE["color"], UNSURE["color"]))


def test_the_index_map_marks_unsure_classes_by_a_dashed_outline_in_its_legend():
    from sozialbericht.report.index_figures import social_index_map

    geo = _grid(2)
    classes = {f["properties"]["area_id"]: ("mittel", "stabil") for f in geo["features"]}
    fig = social_index_map(geo, classes, "Sozialindex", unsure={"0-1"})
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-1] == "Statusklasse unsicher (gestrichelter Rand)"
    dashed = [c for c in fig.axes[0].collections if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 1 and len(dashed[0].get_paths()) == 1  # the one unsure Gemeinde
    plain = social_index_map(geo, classes, "Sozialindex")
    assert "Statusklasse unsicher (gestrichelter Rand)" not in [t.get_text() for t in plain.axes[0].get_legend().get_texts()]
