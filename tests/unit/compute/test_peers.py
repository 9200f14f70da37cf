"""Comparable Kreise (compute/peers.py): planted clusters, determinism, the comparison table by
hand, missing values, a district's own group and the symmetry of the groups on the real data."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from sozialbericht.compute import peers as pr
from sozialbericht.core.errors import InputError

IDS = [i for i, _, _ in pr.STRUCTURE if i != pr.DENSITY]
YEAR = 2020


def kreis_rows(values: pd.DataFrame, period: str = "2020-12-31") -> pd.DataFrame:
    """A national indicator table (long) from Kreis × indicator values."""
    long = values.rename_axis("area_id").reset_index().melt(id_vars="area_id", var_name="indicator_id", value_name="value")
    return long.assign(area_level="kreis", period=period, area_name="", unit="", flag="")


def directory_rows(density: pd.Series, period: str = "2019-12-31") -> pd.DataFrame:
    """A staged GV-ISys directory with one Gemeinde per Kreis of 100 km² and the given density."""
    ars = [k + "0000001" for k in density.index]
    rows = [
        pd.DataFrame({"area_id": ars, "variable": "flaeche_km2", "value": 100.0}),
        pd.DataFrame({"area_id": ars, "variable": "bevoelkerung", "value": density.to_numpy() * 100}),
    ]
    return pd.concat(rows, ignore_index=True).assign(area_level="gemeinde", period=period)


def planted(clusters: int = 4, size: int = 11, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """``clusters`` groups of ``size`` Kreise, far apart in every indicator, with small noise:
    the indicator table, the directory and each Kreis's cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-1, 1, (clusters, len(pr.STRUCTURE))) * 10
    keys, rows, cluster = [], [], {}
    for c in range(clusters):
        for i in range(size):
            key = f"{c + 1:02d}{i + 1:03d}"
            keys.append(key)
            rows.append(centres[c] + rng.normal(0, 0.3, len(pr.STRUCTURE)))
            cluster[key] = c
    raw = pd.DataFrame(rows, index=keys, columns=[i for i, _, _ in pr.STRUCTURE])
    raw[pr.DENSITY] = np.exp(raw[pr.DENSITY] / 3 + 5)  # densities of about 50 to 4.000 EW/km²
    raw[IDS] = raw[IDS] + 50
    return kreis_rows(raw[IDS]), directory_rows(raw[pr.DENSITY]), cluster


def test_planted_clusters_are_recovered():
    table, directory, cluster = planted()
    groups = pr.as_mapping(pr.peer_groups(table, directory, YEAR, k=10))
    assert len(groups) == 44
    for kreis, peers in groups.items():
        assert sorted(peers) == sorted(k for k, c in cluster.items() if c == cluster[kreis] and k != kreis), kreis
    assert pr.symmetry(groups) == 1.0


def test_groups_are_deterministic_whatever_the_row_order():
    table, directory, _ = planted(seed=11)
    first = pr.peer_groups(table, directory, YEAR)
    shuffled = pr.peer_groups(table.sample(frac=1, random_state=3), directory.sample(frac=1, random_state=4), YEAR)
    pd.testing.assert_frame_equal(first, shuffled)
    assert list(first.columns) == ["area_id", "rank", "peer_id", "distance"]
    assert (
        first.groupby("area_id")["rank"].apply(list) == pd.Series([list(range(1, 11))] * 44, index=first["area_id"].unique())
    ).all()


def test_ties_are_broken_by_the_key():
    """Five Kreise with identical values: each one's peers in key order."""
    values = pd.DataFrame(1.0, index=["09005", "01002", "05003", "03004", "07001"], columns=IDS)
    dist = pr.distances(values, pr.weights().reindex(IDS))
    groups = pr.nearest(dist, list(values.index), k=3)
    assert [p for p, _ in groups["01002"]] == ["03004", "05003", "07001"]
    assert [p for p, _ in groups["09005"]] == ["01002", "03004", "05003"]


def test_robust_z_and_weights():
    values = pd.DataFrame({pr.DENSITY: [10.0, 100.0, 1000.0, 10000.0, np.nan], "jugendquotient": [1.0, 2.0, 3.0, 4.0, 100.0]})
    z = pr.robust_z(values)
    # log density: median log(316.2), MAD of the logs log(10) × 1.4826 … the middle values ±0.5 / 1.4826
    assert z[pr.DENSITY].iloc[1] == pytest.approx(-0.5 / pr.MAD_SCALE)
    assert np.isnan(z[pr.DENSITY].iloc[4])
    # the outlier 100 does not set the scale: median 3, MAD 1
    assert z["jugendquotient"].tolist() == pytest.approx([(x - 3) / pr.MAD_SCALE for x in (1, 2, 3, 4, 100)])
    w = pr.weights()
    assert w.sum() == pytest.approx(5) and w["jugendquotient"] == w["altenquotient"] == 0.5 and w["pflegequote"] == 1


def test_a_kreis_with_missing_values():
    """One gap: the Kreis is compared over the rest (scaled to the full weight) and keeps its
    cluster; most values missing: no group, and it is in no other group."""
    table, directory, cluster = planted()
    gap = table[~((table["area_id"] == "01001") & (table["indicator_id"] == "arbeitslosenquote"))]
    holes = gap[~((gap["area_id"] == "02001") & (gap["indicator_id"] != "pflegequote"))]
    directory = directory[~directory["area_id"].str.startswith("02001")]
    groups = pr.as_mapping(pr.peer_groups(holes, directory, YEAR))
    assert sorted(groups["01001"]) == sorted(k for k, c in cluster.items() if c == 0 and k != "01001")
    assert "02001" not in groups  # shares only the Pflege dimension (1 of 5) with every other Kreis
    assert all("02001" not in peers for peers in groups.values())
    assert all(len(peers) == 10 for k, peers in groups.items() if cluster[k] != 1)


def test_distance_over_shared_indicators_is_scaled_to_the_full_weight():
    z = pd.DataFrame({"a": [0.0, 1.0, np.nan], "b": [0.0, 1.0, 3.0]}, index=["x", "y", "z"])
    w = pd.Series({"a": 1.0, "b": 1.0})
    d = pr.distances(z, w, min_shared=0.5)
    assert d[0, 1] == pytest.approx(np.sqrt(2))
    assert d[0, 2] == pytest.approx(np.sqrt(9 * 2 / 1))  # only b shared: 9 × (total 2 / shared 1)
    assert np.isnan(pr.distances(z, w, min_shared=0.6)[0, 2])


def test_comparison_table_equals_a_hand_computation():
    rng = np.random.default_rng(5)
    keys = [f"0{i}00{i}" for i in range(1, 8)]
    old = pd.DataFrame(rng.uniform(0, 100, (7, 3)), index=keys, columns=["a", "b", "c"])
    new = old + 1
    table = pd.concat([kreis_rows(old, "2019-12-31"), kreis_rows(new, "2020"), kreis_rows(new + 50, "2021-12-31")])
    table.loc[(table["area_id"] == keys[3]) & (table["indicator_id"] == "c"), "value"] = np.nan  # a member without a value
    kreis, group = keys[0], keys[1:]
    got = pr.comparison_table(table, kreis, group, ["c", "a"], YEAR).set_index("indicator_id")
    for ind in ["a", "c"]:
        own = new.loc[kreis, ind]
        others = new.loc[group, ind].drop(keys[3]) if ind == "c" else new.loc[group, ind]
        assert got.loc[ind, "value"] == own
        assert got.loc[ind, "median"] == pytest.approx(np.percentile(others, 50))
        assert got.loc[ind, "p25"] == pytest.approx(np.percentile(others, 25))
        assert got.loc[ind, "p75"] == pytest.approx(np.percentile(others, 75))
        assert got.loc[ind, "n"] == len(others)
        assert got.loc[ind, "rank"] == 1 + sum(v > own for v in others)
        side = "oberhalb" if own > np.percentile(others, 75) else "unterhalb" if own < np.percentile(others, 25) else "innerhalb"
        assert got.loc[ind, "position"] == side
    assert list(got.index) == ["c", "a"]


def test_rank_one_is_the_highest_and_outside_iqr():
    values = pd.DataFrame(
        {"x": [10.0, 1, 2, 3, 4], "y": [0.0, 1, 2, 3, 4], "z": [2.5, 1, 2, 3, 4]}, index=["A", "B", "C", "D", "E"]
    )
    got = pr.comparison_table(kreis_rows(values), "A", ["B", "C", "D", "E"], ["x", "y", "z"], YEAR).set_index("indicator_id")
    assert got["rank"].tolist() == [1, 5, 3]
    assert got["position"].tolist() == ["oberhalb", "unterhalb", "innerhalb"]
    assert pr.outside_iqr(got.reset_index()) == {"oberhalb": ["x"], "unterhalb": ["y"]}


def test_own_group_is_validated_with_german_messages():
    known = ["15081", "15082", "15083", "15085"]
    assert pr.own_group("15085", ["15081", 15082], known) == ["15081", "15082"]
    cases = [
        ([], "leer"),
        (["15081", "15085"], "eigenen Vergleichsgruppe"),
        (["15081", "15081"], "doppelt"),
        (["15081", "99999"], "unbekannte Kreisschlüssel"),
    ]
    for members, text in cases:
        with pytest.raises(InputError) as err:
            pr.own_group("15085", members, known, source="config/districts/harz.yaml")
        assert text in str(err.value) and "config/districts/harz.yaml" in str(err.value)
    with pytest.raises(InputError) as err:
        pr.own_group("15085", ["99999"], known)
    assert "99999" in str(err.value) and "Kreis 15085" in str(err.value)


def test_symmetry_counts_mutual_memberships():
    assert pr.symmetry({"A": ["B"], "B": ["A"], "C": ["A"]}) == pytest.approx(2 / 3)
    assert np.isnan(pr.symmetry({"A": []}))


# --- the real national data -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def national():
    """The Kreis-level indicators of the shipped raw data (as the national step computes them)
    and the GV-ISys directory of 31.12.2019: about 4 s."""
    from sozialbericht.compute import indicators
    from sozialbericht.compute.national import stadtstaaten
    from sozialbericht.ingest.staging import stage_table

    specs = yaml.safe_load((ROOT / "config" / "datasets.yaml").read_text(encoding="utf-8"))
    raw = ROOT / "data" / "raw"
    tables = {
        n: stadtstaaten(stage_table(specs[n], [raw / f for f in specs[n]["files"]]))
        for n in ("bevoelkerung_alter", "arbeitslose", "pflege")
    }
    gv = specs["gemeindeverzeichnis"]
    directory = stage_table(gv, [raw / f for f in gv["files"] if "2019" in f])
    catalogue = [
        i for i in yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8")) if i["level"] == "kreis"
    ]
    table = indicators.compute(catalogue, tables, "kreis", {}, base_year=2015)
    return table[table["period"].str[:4].astype(int) <= YEAR], directory


def test_real_groups_are_symmetric_enough(national):
    """Measured on the 401 Kreise of 2020 (k = 10): 63 % of the memberships are mutual; random
    points of the same dimension give 55–58 %, planted clusters 100 %. The floor is SYMMETRY_FLOOR."""
    table, directory = national
    groups = pr.peer_groups(table, directory, YEAR)
    assert groups["area_id"].nunique() == 401 and (groups.groupby("area_id").size() == 10).all()
    assert pr.symmetry(pr.as_mapping(groups)) >= pr.SYMMETRY_FLOOR
    assert not (groups["area_id"] == groups["peer_id"]).any()


def test_real_comparison_table_takes_its_numbers_from_the_indicator_table(national):
    table, directory = national
    group = pr.as_mapping(pr.peer_groups(table, directory, YEAR))["15085"]
    got = pr.comparison_table(table, "15085", group, ["arbeitslosenquote", "pflegequote"], YEAR).set_index("indicator_id")
    alq = table[(table["indicator_id"] == "arbeitslosenquote") & (table["period"] == "2020")].set_index("area_id")["value"]
    assert got.loc["arbeitslosenquote", "value"] == alq["15085"] == 6.1
    assert got.loc["arbeitslosenquote", "median"] == pytest.approx(alq[group].median())
    pflege = table[(table["indicator_id"] == "pflegequote") & (table["period"] == "2019-12-31")].set_index("area_id")["value"]
    assert got.loc["pflegequote", "value"] == pflege["15085"]  # biennial: the newest up to 2020
    assert got.loc["pflegequote", "p75"] == pytest.approx(pflege[group].quantile(0.75))
