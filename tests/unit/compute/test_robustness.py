"""Weights of the social index and the robustness of its classes (compute/robustness.py)."""

import numpy as np
import pandas as pd
import pytest

from sozialbericht.compute import robustness as rb
from sozialbericht.compute.social_index import social_index

BOUNDS = [-1.0, 1.0, 1.5]
IND = ["alo", "lza", "sgb2", "kinderarmut"]


def areas(n=15, seed=3, dominant=True) -> pd.DataFrame:
    """``n`` areas with random disadvantage values; area ``G00`` is above every other area on
    every indicator (by far), if ``dominant``."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.uniform(2, 10, (n, len(IND))), columns=IND, index=[f"G{i:02d}" for i in range(n)])
    if dominant:
        frame.loc["G00"] = frame.max() + 8
    return frame


EQUAL = pd.Series(1.0, index=IND)


def test_equal_weights_give_the_index_of_the_report():
    """With equal weights and z-scores the composite is the status index of social_index."""
    status = areas(dominant=False)
    ours = rb.composite(rb.standardise(status, "z"), EQUAL)
    index, _ = social_index(status, status * 0, pd.Series(1000, index=status.index), 300, BOUNDS, [-1.0, 1.0])
    assert np.allclose(ours.sort_index(), index["status_index"])


def test_a_dominating_area_has_a_rank_interval_of_width_zero_and_keeps_its_class():
    status = areas()
    out = rb.uncertainty(status, BOUNDS, EQUAL, draws=1000, seed=7)
    top = out.loc["G00"]
    assert top["rang"] == 1 and top["rang_p05"] == top["rang_p95"] == 1 and top["rang_median"] == 1
    assert top["klasse"] == "sehr niedrig"
    assert top["anteil_klasse_gehalten"] == 1.0 and not top["unsicher"]


def test_a_dominating_area_also_with_participants_and_every_standardisation():
    status = areas()
    allocations = pd.DataFrame([[100, 0, 0, 0], [0, 0, 50, 50], [25, 25, 25, 25]], columns=IND)
    out = rb.uncertainty(status, BOUNDS, rb.consensus(allocations), allocations, draws=600, seed=2)
    assert out.loc["G00", "rang_p95"] == 1 and out.loc["G00", "anteil_klasse_gehalten"] == 1.0
    for method in rb.STANDARDISATIONS:
        assert rb.ranks(rb.composite(rb.standardise(status, method), EQUAL))["G00"] == 1


@pytest.mark.parametrize("indicator", IND)
def test_all_points_on_one_indicator_reproduce_its_ranking(indicator):
    status = areas(dominant=False)
    weights = pd.Series(0.0, index=IND)
    weights[indicator] = 100
    index = rb.composite(rb.standardise(status, "z"), weights)
    assert list(rb.ranks(index).sort_values().index) == list(status[indicator].sort_values(ascending=False).index)


def test_the_consensus_of_identical_allocations_equals_them():
    one = [40, 30, 20, 10]
    allocations = pd.DataFrame([one] * 5, columns=IND)
    assert rb.consensus(allocations).tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])


def test_the_consensus_is_the_normalised_median():
    allocations = pd.DataFrame([[70, 10, 10, 10], [10, 70, 10, 10], [40, 20, 20, 20]], columns=IND)
    # medians 40, 20, 10, 10 → sum 80
    assert rb.consensus(allocations).tolist() == pytest.approx([0.5, 0.25, 0.125, 0.125])


def test_the_seeded_analysis_gives_the_same_output_twice_and_another_seed_another():
    status = areas(dominant=False)
    a = rb.uncertainty(status, BOUNDS, EQUAL, draws=300, seed=11)
    b = rb.uncertainty(status, BOUNDS, EQUAL, draws=300, seed=11)
    pd.testing.assert_frame_equal(a, b)
    c = rb.uncertainty(status, BOUNDS, EQUAL, draws=300, seed=12)
    assert not a["anteil_klasse_gehalten"].equals(c["anteil_klasse_gehalten"])


def test_an_area_on_a_class_boundary_is_unsure():
    """An area whose index lies just on a class bound changes class under small changes."""
    status = areas(dominant=False)
    out = rb.uncertainty(status, BOUNDS, EQUAL, draws=500, seed=5)
    nearest = (out["index"] - 1.0).abs().idxmin()
    assert out.loc[nearest, "anteil_klasse_gehalten"] < out["anteil_klasse_gehalten"].max()
    assert (out["rang_p05"] <= out["rang_median"]).all() and (out["rang_median"] <= out["rang_p95"]).all()
    assert out["unsicher"].equals(out["anteil_klasse_gehalten"] < 0.8)


def test_scenarios_cover_every_choice_and_respect_leaving_out():
    draws = rb.scenarios(IND, EQUAL, None, 400, seed=1)
    methods = {m for _, m, _ in draws}
    left = {x for _, _, x in draws}
    assert methods == set(rb.STANDARDISATIONS) and left == {None, *IND}
    for w, _, out in draws:
        assert w.sum() == pytest.approx(1.0)
        if out:
            assert w[out] == 0
        noisy = w[[i for i in IND if i != out]]
        assert (noisy > 0).all()


def test_effective_weights_follow_the_correlation_with_the_index():
    rng = np.random.default_rng(0)
    status = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    equal = rb.effective_weights(rb.standardise(status, "z"), pd.Series([1.0, 1.0], index=["a", "b"]))
    assert equal.tolist() == pytest.approx([0.5, 0.5], abs=0.05)
    skewed = rb.effective_weights(rb.standardise(status, "z"), pd.Series([1.0, 0.0], index=["a", "b"]))
    assert skewed["a"] > 0.95 and skewed.sum() == pytest.approx(1.0)


def test_class_changes_between_two_weightings():
    status = areas(dominant=False)
    a = pd.Series(1.0, index=IND)
    b = pd.Series([1.0, 0, 0, 0], index=IND)
    out = rb.class_changes(status, BOUNDS, a, a)
    assert not out["wechsel"].any() and out.attrs["spearman"] == pytest.approx(1.0)
    out = rb.class_changes(status, BOUNDS, a, b)
    expected = status["alo"].rank().corr(rb.composite(rb.standardise(status, "z"), a).rank())
    assert out.attrs["spearman"] == pytest.approx(expected)


def test_standardisations():
    frame = pd.DataFrame({"x": [1.0, 2.0, 4.0], "flat": [3.0, 3.0, 3.0]})
    assert rb.standardise(frame, "minmax")["x"].tolist() == pytest.approx([0, 1 / 3, 1])
    assert rb.standardise(frame, "rang")["x"].tolist() == [1, 2, 3]
    assert rb.standardise(frame, "minmax")["flat"].tolist() == [0, 0, 0]
    assert rb.standardise(frame, "z")["flat"].tolist() == [0, 0, 0]
    with pytest.raises(ValueError):
        rb.standardise(frame, "log")
