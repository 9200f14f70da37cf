"""The social index with the participants' weights (compute/planning.py, compute/social_index.py)."""

import numpy as np
import pandas as pd
import pytest

from sozialbericht.compute import planning
from sozialbericht.compute.robustness import composite, ranks, standardise

IDS = ["kl_arbeitslosenanteil", "kl_langzeitarbeitslosenanteil", "kl_sgb2_quote", "kl_kinderarmut"]
SETTINGS = {
    "status_indicators": IDS,
    "dynamics_years": 2,
    "min_population": 300,
    "population_indicator": "kl_einwohner",
    "status_bounds": [-1.0, 1.0, 1.5],
    "dynamic_bounds": [-1.0, 1.0],
    "gewichtung": {"regel": "median", "ziehungen": 200, "seed": 3, "streuung": 0.25, "unsicher_ab": 0.2},
}
AREAS = [f"1508500{i:05d}" for i in range(12)]


def indicator_table(seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for year in (2018, 2020):
        for area in AREAS:
            for i in IDS:
                rows.append({"indicator_id": i, "area_id": area, "period": str(year), "value": rng.uniform(2, 20)})
            rows.append({"indicator_id": "kl_einwohner", "area_id": area, "period": str(year), "value": 1000.0})
    return pd.DataFrame(rows)


def participant(kennung, points, status="ok"):
    return {"kennung": kennung, "status": status, "punkte": dict(zip(IDS, points)), "fehler": []}


def test_equal_weights_and_no_participants_give_the_index_as_before():
    ind = indicator_table()
    before, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS)
    weighted, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS, pd.Series(0.25, index=IDS))
    assert np.allclose(before["status_index"], weighted["status_index"])
    assert planning.index_weights(SETTINGS, []) is None
    assert planning.index_weights(SETTINGS, [participant("a", [25, 25, 25, 25], status="fehler")]) is None


def test_one_participant_with_all_points_on_one_indicator_reproduces_its_ranking():
    ind = indicator_table()
    weights = planning.index_weights(SETTINGS, [participant("a", [0, 0, 100, 0])])
    index, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS, weights)
    sgb2 = ind[(ind.indicator_id == "kl_sgb2_quote") & (ind.period == "2020")].set_index("area_id")["value"]
    assert list(index["status_index"].sort_values().index) == list(sgb2.sort_values().index)


def test_weighting_tables_without_participants():
    ind = indicator_table()
    index, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS)
    out = planning.weighting_tables(ind, SETTINGS, 2020, index, [])
    assert set(out) == {"sozialindex_gewichte", "sozialindex_robustheit"}
    w = out["sozialindex_gewichte"]
    assert w["gleich"].tolist() == [0.25] * 4 and w["effektiv_gleich"].sum() == pytest.approx(1)
    robust = out["sozialindex_robustheit"].set_index("area_id")
    # the reference classes are the report's classes (equal weights, z-scores)
    assert robust["klasse"].to_dict() == index["status"].to_dict()


def test_weighting_tables_with_participants_and_the_feedback_of_each():
    ind = indicator_table()
    people = [participant("a", [40, 30, 20, 10]), participant("b", [10, 20, 30, 40]), participant("c", [25, 25, 25, 25])]
    people.append(participant("kaputt", [100, 0, 0, 0], status="fehler"))
    weights = planning.index_weights(SETTINGS, people)
    assert weights.tolist() == pytest.approx([0.25, 0.25, 0.25, 0.25])  # medians 25, 25, 25, 25
    index, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS, weights)
    out = planning.weighting_tables(ind, SETTINGS, 2020, index, people)
    w = out["sozialindex_gewichte"].set_index("indicator_id")
    assert [c for c in w.columns if c.startswith("teilnehmer_")] == ["teilnehmer_a", "teilnehmer_b", "teilnehmer_c"]
    assert w["teilnehmer_a"].tolist() == [0.4, 0.3, 0.2, 0.1]
    own = out["sozialindex_teilnehmer"]
    assert set(own["teilnehmer"]) == {"a", "b", "c"}
    # participant c's weights are the consensus: nothing would change
    assert not own[own.teilnehmer == "c"]["wechsel"].any()
    # a's classes are those of a's own weights
    status = ind[ind.period == "2020"].pivot(index="area_id", columns="indicator_id", values="value")[IDS]
    a_rank = ranks(composite(standardise(status, "z"), pd.Series([40, 30, 20, 10.0], index=IDS)))
    assert own[own.teilnehmer == "a"].set_index("area_id")["rang_b"].to_dict() == a_rank.to_dict()
    assert out["sozialindex_gewichtsvergleich"]["spearman"].iloc[0] == pytest.approx(1.0)


def test_the_analysis_is_seeded():
    ind = indicator_table()
    index, _ = planning.compute_social_index(ind, SETTINGS, 2020, AREAS)
    a = planning.weighting_tables(ind, SETTINGS, 2020, index, [])["sozialindex_robustheit"]
    b = planning.weighting_tables(ind, SETTINGS, 2020, index, [])["sozialindex_robustheit"]
    pd.testing.assert_frame_equal(a, b)
