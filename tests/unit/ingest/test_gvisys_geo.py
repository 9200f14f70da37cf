"""GV-ISys directories, the 2014 boundary change in Harz, and the VG5000 boundaries."""

import pytest
from conftest import GEO, GVISYS

from sozialbericht.core.errors import InputError
from sozialbericht.core.territory import ags_of, derive_changes, harmonise
from sozialbericht.ingest.geo import read_vg5000
from sozialbericht.ingest.gvisys import read_gvisys


@pytest.fixture(scope="module")
def directories():
    import pandas as pd

    return pd.concat([read_gvisys(GVISYS / f"3112{y}_Auszug_GV.xlsx") for y in (2013, 2017, 2023)], ignore_index=True)


def _harz_count(df, year):
    rows = df[(df.area_id.str[:5] == "15085") & (df.period == f"{year}-12-31") & (df.variable == "bevoelkerung")]
    return len(rows)


def test_harz_has_22_gemeinden_in_2013_and_20_from_2017(directories):
    assert _harz_count(directories, 2013) == 22
    assert _harz_count(directories, 2017) == 20
    assert _harz_count(directories, 2023) == 20


def test_gemeinde_values_and_renaming(directories):
    d = directories[directories.variable == "bevoelkerung"].set_index(["area_id", "period"]).value
    assert d[("150850235235", "2013-12-31")] == 19_894  # Quedlinburg before the merger
    names = directories[(directories.area_id == "150855051140")].drop_duplicates("period").set_index("period").area_name
    assert names["2013-12-31"] == "Harsleben" and names["2023-12-31"] == "Harsleben / Harschlewe"


def test_mergers_are_derived_from_the_directories(directories):
    changes, _ = derive_changes(directories)
    harz = changes[changes.from_ars.str[:5] == "15085"].set_index("from_ars")
    # Bad Suderode and Gernrode went to Quedlinburg (2014): derived from areas and populations
    assert harz.loc["150855005035", "to_ars"] == "150850235235"
    assert harz.loc["150855005120", "to_ars"] == "150850235235"
    assert harz.loc["150855005120", "certain"] and "km²" in harz.loc["150855005120", "evidence"]


def test_series_on_current_territory_adds_merged_gemeinden(directories):
    changes, _ = derive_changes(directories)
    gv = directories[directories.area_id.str[:5] == "15085"]
    harmonised, applied = harmonise(gv, "15085", changes, [], "config/districts/harz.yaml")
    pop = harmonised[harmonised.variable == "bevoelkerung"]
    assert pop.groupby("period").area_id.nunique().tolist() == [20, 20, 20]
    quedlinburg_2013 = pop[(pop.area_id == "150850235235") & (pop.period == "2013-12-31")].value.item()
    assert quedlinburg_2013 == 19_894 + 1_698 + 3_463  # + Bad Suderode + Gernrode
    # the district total is unchanged by the harmonisation
    raw_2013 = gv[(gv.variable == "bevoelkerung") & (gv.period == "2013-12-31")].value.sum()
    assert pop[pop.period == "2013-12-31"].value.sum() == raw_2013
    assert [c["name"] for c in applied] == ["Bad Suderode", "Gernrode, Stadt"]
    assert all(c["between"] == ["2013-12-31", "2017-12-31"] and not c["declared"] for c in applied)


def test_declared_change_wins_over_the_derived_one(directories):
    changes, _ = derive_changes(directories)
    gv = directories[directories.area_id.str[:5] == "15085"]
    declared = [{"from": "150855005035", "to": "150850370370", "date": "2014-01-01", "note": "test"}]
    harmonised, applied = harmonise(gv, "15085", changes, declared, "config/districts/harz.yaml")
    by_from = {c["from"]: c for c in applied}
    assert by_from["150855005035"]["to"] == "150850370370" and by_from["150855005035"]["declared"]


def test_undecided_gemeinde_is_one_clear_error_listing_all(directories):
    changes, _ = derive_changes(directories)
    gv = directories[directories.area_id.str[:5] == "15085"]
    undecided = changes.copy()
    undecided.loc[undecided.from_ars.str[:5] == "15085", "to_ars"] = ""
    with pytest.raises(InputError) as err:
        harmonise(gv, "15085", undecided, [], "config/districts/harz.yaml")
    msg = str(err.value)
    assert "config/districts/harz.yaml" in msg and "territorial_changes" in msg
    assert "150855005035" in msg and "150855005120" in msg and "2 Gemeinde(n)" in msg


def test_declared_target_outside_the_kreis_is_rejected(directories):
    changes, _ = derive_changes(directories)
    gv = directories[directories.area_id.str[:5] == "15085"]
    with pytest.raises(InputError, match="keine aktuelle Gemeinde des Kreises"):
        harmonise(gv, "15085", changes, [{"from": "150855005035", "to": "150890000000", "date": "2014-01-01"}], "harz.yaml")


def test_ags_of_ars():
    assert ags_of("150850235235") == "15085235"


def test_broken_workbook_is_rejected(tmp_path):
    path = tmp_path / "31122023_Auszug_GV.xlsx"
    path.write_bytes((GVISYS / "31122023_Auszug_GV.xlsx").read_bytes()[:5000])
    with pytest.raises(InputError, match="31122023_Auszug_GV.xlsx"):
        read_gvisys(path)


def test_vg5000_harz_reprojected_to_utm32():
    geo = read_vg5000(GEO / "VG5000_GEM.shp", prefix="15085")
    assert geo["crs"] == "EPSG:25832"
    assert len(geo["features"]) == 20
    xs = [
        pt[0]
        for f in geo["features"]
        for ring in (
            [f["geometry"]["coordinates"][0]]
            if f["geometry"]["type"] == "Polygon"
            else [p[0] for p in f["geometry"]["coordinates"]]
        )
        for pt in ring
    ]
    assert 580_000 < min(xs) < max(xs) < 700_000  # Harz lies around 11° E, i.e. east of UTM 32's meridian 9° E


def test_missing_shapefile_part_is_named(tmp_path):
    for ext in (".shp", ".dbf", ".prj"):
        (tmp_path / f"VG5000_GEM{ext}").write_bytes((GEO / f"VG5000_GEM{ext}").read_bytes())
    with pytest.raises(InputError, match=r"VG5000_GEM\.shx"):
        read_vg5000(tmp_path / "VG5000_GEM.shp")


def test_staged_boundaries_one_feature_per_line(tmp_path):
    """The staged GeoJSON has one feature per line: valid GeoJSON for any reader, and the national
    step picks features by key as text; a slice from the lines equals the parsed features."""
    import json

    from sozialbericht.core.files import feature_collection, read_feature_lines, write_feature_lines

    geo = read_vg5000(GEO / "VG5000_GEM.shp", prefix="15085")
    path = write_feature_lines(geo, tmp_path / "gem.geojson")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(geo))
    head, lines = read_feature_lines(path)
    assert head == {"type": "FeatureCollection", "crs": "EPSG:25832"} and len(lines) == 20
    keys = sorted(lines)[:2]
    text = feature_collection(head, [lines[k] for k in keys])
    assert json.loads(text)["features"] == [f for f in geo["features"] if f["properties"]["area_id"] in keys]
    twice = {**geo, "features": geo["features"] + geo["features"][:1]}
    with pytest.raises(ValueError, match="more than one feature"):
        read_feature_lines(write_feature_lines(twice, tmp_path / "twice.geojson"))
