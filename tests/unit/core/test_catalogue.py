"""The indicator catalogue as the registry of the report's indicator tables (core/catalogue.py):
placements (`zeigen`) checked against the chapters' tables of report/kapitel.yaml, and the
deprecated keys `group` and `report.auf_einen_blick`."""

import shutil

import pytest
import yaml
from conftest import ROOT

from sozialbericht.core import catalogue as registry
from sozialbericht.core.config import load_project
from sozialbericht.core.errors import InputError

CHAPTERS = [
    {"id": "arbeit", "tabellen": ["arbeit", "arbeit-gemeinden"]},
    {"id": "auf-einen-blick", "tabellen": ["auf-einen-blick"]},
    {"id": "methodik"},
]


def entry(ind_id: str, *placements: tuple[str, int]) -> dict:
    return {"id": ind_id, "zeigen": [{"tabelle": t, "position": p} for t, p in placements]}


def catalogue() -> list[dict]:
    return [
        entry("arbeitslose", ("arbeit", 2)),
        entry("arbeitslosenquote", ("arbeit", 1), ("auf-einen-blick", 1)),
        entry("kl_arbeitslosenanteil", ("arbeit-gemeinden", 10)),
        {"id": "ohne_platz"},
    ]


@pytest.fixture(autouse=True)
def fresh_hints(monkeypatch):
    """No hint shown yet in this "run" (config_keys.show_once remembers them in the environment)."""
    monkeypatch.setenv("SOZIALBERICHT_HINWEISE_GEZEIGT", "")


def test_the_rows_of_a_table_follow_their_positions():
    assert registry.table_rows(catalogue(), "arbeit") == ["arbeitslosenquote", "arbeitslose"]
    assert registry.table_rows(catalogue(), "arbeit-gemeinden") == ["kl_arbeitslosenanteil"]  # gaps allowed
    assert registry.table_rows(catalogue(), "pflege") == []
    registry.check_placements(catalogue(), CHAPTERS, "config/indicators.yaml", "report/kapitel.yaml")


def test_the_shipped_catalogue_places_its_indicators_in_the_shipped_chapters():
    shipped = yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8"))
    chapters = yaml.safe_load((ROOT / "report" / "kapitel.yaml").read_text(encoding="utf-8"))["kapitel"]
    registry.check_placements(shipped, chapters, "config/indicators.yaml", "report/kapitel.yaml")
    assert not any("group" in ind for ind in shipped)
    assert registry.table_rows(shipped, "auf-einen-blick")[:2] == ["bevoelkerung", "bevoelkerung_veraenderung"]


@pytest.mark.parametrize(
    "changed,file,message",
    [
        (
            entry("x", ("arbeits", 3)),
            "config/indicators.yaml",
            "der Indikator „x“ soll in der Tabelle „arbeits“ stehen, die kein Kapitel hat",
        ),
        (
            entry("x", ("arbeit", 1)),
            "config/indicators.yaml",
            "die Indikatoren „arbeitslosenquote“ und „x“ stehen beide an Position 1",
        ),
        (
            entry("x", ("arbeit", 3), ("arbeit", 4)),
            "config/indicators.yaml",
            "der Indikator „x“ steht zweimal in der Tabelle „arbeit“",
        ),
    ],
)
def test_a_wrong_placement_is_refused_naming_indicator_and_table(changed, file, message):
    with pytest.raises(InputError) as err:
        registry.check_placements([*catalogue(), changed], CHAPTERS, "config/indicators.yaml", "report/kapitel.yaml")
    text = str(err.value)
    assert (
        text.startswith(f"{file}: {message}")
        and f"Indikator „{changed['id']}“, Schlüssel 'zeigen'" in text
        and "erwartet:" in text
    )


def test_a_declared_table_without_indicators_or_of_two_chapters_is_refused():
    chapters = [*CHAPTERS, {"id": "pflege", "tabellen": ["pflege"]}]
    with pytest.raises(InputError, match="die Tabelle „pflege“ des Kapitels „pflege“ zeigt keinen Indikator"):
        registry.check_placements(catalogue(), chapters, "config/indicators.yaml", "report/kapitel.yaml")
    chapters = [*CHAPTERS, {"id": "arbeit-2", "tabellen": ["arbeit"]}]
    with pytest.raises(InputError, match="die Tabelle „arbeit“ steht bei zwei Kapiteln"):
        registry.check_placements(catalogue(), chapters, "config/indicators.yaml", "report/kapitel.yaml")


def test_the_old_group_key_is_dropped_with_a_hint():
    old = [{**entry("a"), "group": "Arbeit"}, {**entry("b"), "group": "Arbeit"}]
    assert registry.without_groups(old) == [entry("a"), entry("b")]
    (hint,) = registry.deprecated_keys({}, old, "config/indicators.yaml")
    assert hint.startswith("Hinweis: config/indicators.yaml: der Schlüssel „group“ ist veraltet") and "„a“" in hint
    assert registry.deprecated_keys({"report": {}}, [entry("a")], "x") == []
    assert registry.without_groups("kein Katalog") == "kein Katalog"  # left to the schema check


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of config/ and report/ beside the project's data, as the working directory."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(ROOT / "report", tmp_path / "report")
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_configuration_check_refuses_a_placement_in_no_chapters_table(project_copy):
    path = project_copy / "config" / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{tabelle: pflege, position: 2}", "{tabelle: pflegen, position: 2}"), encoding="utf-8")
    config = yaml.safe_load((project_copy / "config" / "config.yaml").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as err:
        load_project(config)
    assert str(err.value).startswith("config/indicators.yaml: der Indikator „pflegequote“ soll in der Tabelle „pflegen“ stehen")


def test_old_keys_work_for_one_release_with_a_hint_printed_once(project_copy, capsys):
    path = project_copy / "config" / "indicators.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  unit: Anzahl\n", "  unit: Anzahl\n  group: Bevölkerung\n"), encoding="utf-8"
    )
    config = yaml.safe_load((project_copy / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["report"]["auf_einen_blick"] = ["arbeitslosenquote"]
    for _ in range(2):
        project = load_project(config)
    assert not any("group" in ind for ind in project.catalogue)
    err = capsys.readouterr().err
    assert err.count("der Schlüssel „group“ ist veraltet") == 1
    assert err.count("der Schlüssel „report.auf_einen_blick“ ist veraltet") == 1
    config["report"]["auf_einen_blick"] = ["einwohner"]  # still checked against the catalogue
    with pytest.raises(InputError, match="„Auf einen Blick“ nennt einen Indikator, der nicht im Katalog steht"):
        load_project(config)
