"""The figures of the demand from the projection (report/demand_figures.py)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sozialbericht.report.demand_figures import band_lines, care_bars
from sozialbericht.report.figures import COLORS


def test_band_lines_draw_a_line_and_a_range_per_group():
    series = pd.DataFrame({"label": ["a"] * 3 + ["b"] * 3, "year": [2020, 2021, 2022] * 2, "value": [10, 9, 8, 5, 6, 7]})
    band = series.assign(low=series["value"] - 1, high=series["value"] + 1).drop(columns="value")
    fig = band_lines(series, band, "Titel", "Kinder")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert len(ax.collections) == 2 and ax.get_ylim()[0] == 0
    assert {line.get_linestyle() for line in ax.get_lines()} == {"-", "--"}  # distinct without colour
    plt.close(fig)


def test_care_bars_mark_the_count_and_the_range():
    fig = care_bars(["2019 (gezählt)", "2025", "2035"], [1200, 1300, 1400], [1200, 1280, 1370], [1200, 1320, 1430], "T", "P")
    ax = fig.axes[0]
    bars = ax.patches
    assert bars[0].get_hatch() == "//" and not bars[1].get_hatch()
    assert bars[1].get_facecolor()[:3] == pytest.approx(plt.matplotlib.colors.to_rgb(COLORS["district"]))
    assert [t.get_text() for t in ax.texts] == ["1.200", "1.300", "1.400"]
    whiskers = ax.collections[0].get_segments()
    assert [(s[0][1], s[1][1]) for s in whiskers] == [(1280, 1320), (1370, 1430)]
    plt.close(fig)
