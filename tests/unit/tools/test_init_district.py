"""Every Kreis of Germany by configuration alone: `init-district` writes a schema-valid, commented
configuration for each of the ~400 Kreise from the shipped national data, and the Gemeinde series of
every Kreis can be put on its current territory without manual research (the dry run of every
Kreis: tests/e2e/test_all_districts.py)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from sozialbericht.core.config import check_schema, parse_yaml
from sozialbericht.core.territory import ags_of, harmonise, prefix


def test_every_kreis_gets_a_schema_valid_configuration(national_territory, district_configurations):
    kreise, directory, _ = national_territory
    assert len(district_configurations) == len(kreise) >= 400
    ids = set()
    gem = directory[(directory.area_level == "gemeinde") & (directory.variable == "bevoelkerung")]
    by_kreis = dict(tuple(gem.groupby(prefix(gem.area_id))))
    for kreis, (text, district_id) in district_configurations.items():
        cfg = parse_yaml(text)
        check_schema(cfg, ROOT / "config/schemas/district.schema.yaml", f"{district_id}.yaml")
        assert cfg["id"] == district_id and cfg["kreis"] == kreis and district_id not in ids
        ids.add(district_id)
        assert cfg["gemeinde_years"][0] <= cfg["gemeinde_years"][1]
        own = by_kreis[kreis]
        current = {ags_of(a) for a in own[own.period == own.period.max()].area_id}
        for change in cfg.get("territorial_changes", []):
            assert ags_of(change["to"]) in current, (kreis, change)


@pytest.mark.parametrize(
    "kreis,name,name_in,typ",
    [
        ("15085", "Landkreis Harz", "im Landkreis Harz", "Landkreis"),
        ("15002", "Stadt Halle (Saale)", "in der Stadt Halle (Saale)", "kreisfreie Stadt"),
        ("09162", "Stadt München", "in der Stadt München", "kreisfreie Stadt"),
        ("11000", "Berlin", "in Berlin", "Stadtstaat"),
        ("02000", "Hamburg", "in Hamburg", "Stadtstaat"),
        ("03241", "Region Hannover", "in der Region Hannover", "Region"),
        ("10041", "Regionalverband Saarbrücken", "im Regionalverband Saarbrücken", "Regionalverband"),
        ("05334", "Städteregion Aachen", "in der Städteregion Aachen", "Städteregion"),
        ("08111", "Stadtkreis Stuttgart", "im Stadtkreis Stuttgart", "Stadtkreis"),
        ("05566", "Kreis Steinfurt", "im Kreis Steinfurt", "Kreis"),
        ("16063", "Wartburgkreis", "im Wartburgkreis", "Landkreis"),
    ],
)
def test_grammatical_forms_by_kreis_type(district_configurations, kreis, name, name_in, typ):
    cfg = parse_yaml(district_configurations[kreis][0])
    assert (cfg["name"], cfg["name_in"], cfg["typ"]) == (name, name_in, typ)
    assert ", kreisfreie Stadt" not in cfg["name_in"]


def test_gemeinde_reforms_are_derived_with_evidence(district_configurations):
    text, _ = district_configurations["07232"]  # Eifelkreis Bitburg-Prüm: many small mergers
    harz = parse_yaml(district_configurations["15085"][0])
    assert {(c["from"], c["to"]) for c in harz["territorial_changes"]} == {
        ("150855005035", "150850235235"),
        ("150855005120", "150850235235"),
    }
    assert "# Beleg:" in district_configurations["15085"][0] and "km²" in district_configurations["15085"][0]
    assert "Keine Gebietsänderungen" in text or "territorial_changes:" in text


def test_every_kreis_series_goes_onto_its_current_territory(national_territory):
    """No Kreis needs a manual entry: every Gemeinde that disappeared has a derived successor, and
    the harmonisation keeps every year's Kreis total."""
    kreise, directory, changes = national_territory
    gem = directory[directory.area_level == "gemeinde"]
    by_kreis = dict(tuple(gem.groupby(gem.area_id.str[:5])))
    # each Kreis against its Land's directory (a change across a Land border would fail here, not pass)
    land_of = prefix(directory.area_id, 2)
    lands: dict[tuple, tuple] = {}
    for kreis in sorted(kreise):
        rows = by_kreis.get(kreis)
        assert rows is not None, kreis
        latest = rows.period.max()  # a Kreis dissolved by a reform (Eisenach 2021): up to its last directory
        if (kreis[:2], latest) not in lands:
            lands[kreis[:2], latest] = (
                directory[(land_of == kreis[:2]) & (directory.period <= latest).to_numpy()],
                changes[changes.period_to <= latest],
            )
        part, part_changes = lands[kreis[:2], latest]
        harmonised, _ = harmonise(part, kreis, part_changes, [], f"{kreis}.yaml")
        pop = harmonised[harmonised.variable == "bevoelkerung"]
        assert (
            pop[pop.period == latest].value.sum() == rows[(rows.period == latest) & (rows.variable == "bevoelkerung")].value.sum()
        )


def test_a_former_kreis_must_be_declared(district_configurations):
    """A `from` under another Kreis's key without `former_kreise` stays a typo (configuration check)."""
    from sozialbericht.core.config import _check_areas
    from sozialbericht.core.errors import InputError

    goettingen = parse_yaml(district_configurations["03159"][0])
    _check_areas(goettingen, "goettingen.yaml")
    del goettingen["former_kreise"]
    with pytest.raises(InputError, match="Gebietsänderung nennt eine Gemeinde außerhalb des Kreises 03159") as err:
        _check_areas(goettingen, "goettingen.yaml")
    assert "former_kreise" in str(err.value) and "03156" in str(err.value)


@pytest.mark.parametrize("kreis", ["03159", "15085", "07232"])
def test_a_written_file_builds_the_same_territory_as_none(national_territory, district_configurations, kreis):
    """The declared changes init-district writes (Kreis reform, many mergers) give exactly the
    series that the derived changes give without a file: same Gemeinden, years and values."""
    kreise, directory, changes = national_territory
    cfg = parse_yaml(district_configurations[kreis][0])
    assert cfg.get("territorial_changes")
    without, applied_without = harmonise(directory, kreis, changes, [], "ohne.yaml")
    written, applied_written = harmonise(directory, kreis, changes, cfg["territorial_changes"], f"{kreis}.yaml")
    key = ["area_id", "period", "variable"]
    assert without.sort_values(key).reset_index(drop=True).equals(written.sort_values(key).reset_index(drop=True))
    assert [(a["from"], a["to"]) for a in applied_without] == [(a["from"], a["to"]) for a in applied_written]


def _project_copy(tmp_path: Path) -> Path:
    for part in ("config", "report"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "data").symlink_to(ROOT / "data")
    return tmp_path


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "sozialbericht"
    return subprocess.run([str(exe), *args, "--root", str(root)], capture_output=True, text=True, check=False, timeout=300)


def test_init_district_writes_the_file_prints_its_path_and_never_overwrites(tmp_path):
    root = _project_copy(tmp_path)
    proc = _cli(root, "kreis-anlegen", "15090")
    assert proc.returncode == 0, proc.stderr
    target = root / "config/districts/stendal.yaml"
    assert proc.stdout.strip().splitlines()[-1] == str(target)
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["name"] == "Landkreis Stendal"
    target.write_text(target.read_text(encoding="utf-8") + "# eigene Anmerkung\n", encoding="utf-8")
    again = _cli(root, "kreis-anlegen", "15090")
    assert (
        again.returncode != 0
        and "nicht überschrieben" in again.stderr + again.stdout
        and "--force" in again.stderr + again.stdout
    )
    assert "# eigene Anmerkung" in target.read_text(encoding="utf-8")
    forced = _cli(root, "kreis-anlegen", "15090", "--force")
    assert forced.returncode == 0 and "# eigene Anmerkung" not in target.read_text(encoding="utf-8")
    unknown = _cli(root, "kreis-anlegen", "15999")
    assert unknown.returncode != 0 and "unbekannter Kreisschlüssel 15999" in unknown.stderr + unknown.stdout
