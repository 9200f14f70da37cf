"""The charts of the Kreise of every Land, drawn from the national indicator table of the example run."""

import pandas as pd
import pytest


def test_every_land_chart_has_one_bar_per_kreis_with_its_value_and_fits_the_page(e2e_project):
    """For every Land: the labels of its Kreise are unique (Regensburg: Stadt and Landkreis), the
    chart of its Kreise has one bar per Kreis whose label and length are that Kreis's value in
    the indicator table, and no chart is taller than the text area."""
    import matplotlib.pyplot as plt

    from sozialbericht.report.figures import TEXT_HEIGHT, comparison_bars
    from sozialbericht.report.names import kreis_labels

    table = pd.read_csv(e2e_project / "results/national/2020/indikatoren.csv", dtype={"area_id": str, "period": str})
    change = table[(table.indicator_id == "bevoelkerung_veraenderung") & (table.area_level == "kreis")]
    period = change.period.max()
    change = change[change.period == period]
    for land, k in change.groupby(change.area_id.str[:2]):
        labels = kreis_labels(dict(zip(k.area_id, k.area_name)))
        assert len(set(labels.values())) == len(k), land
        bars = pd.DataFrame({"label": k.area_id.map(labels), "role": "other", "value": k.value})
        fig = comparison_bars(bars, "Test", "Prozent")
        assert fig.get_size_inches()[1] <= TEXT_HEIGHT
        drawn = {}
        for ax in fig.axes:
            ticks = {round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels())}
            for patch in ax.patches:
                drawn[ticks[round(patch.get_y() + patch.get_height() / 2)]] = patch.get_width()
        assert len(drawn) == len(k), land
        for aid, value in zip(k.area_id, k.value):
            assert drawn[labels[aid]] == pytest.approx(value), (land, labels[aid])
        plt.close(fig)
