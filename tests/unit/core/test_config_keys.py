"""Renamed configuration keys (issue 24, one name per concept): an old key keeps working for one
release, moved to its new name with a German hint shown once per run; old and new side by side are
refused; the code gets the method settings under its own (English) names."""

import copy

import pytest
import yaml
from conftest import ROOT

from sozialbericht.core import config_keys
from sozialbericht.core.config import load_project
from sozialbericht.core.config_keys import CONFIG_RENAMED, migrate, planning_settings
from sozialbericht.core.errors import InputError

SHIPPED = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


def _old_form(config: dict) -> dict:
    """The shipped configuration as it was written before the counselling keys were renamed."""
    old = copy.deepcopy(config)
    beratung = old.pop("beratung")
    old["beratung"] = beratung["standard"]
    old["counselling"] = {"benchmarks": beratung["richtwerte"]}
    return old


@pytest.fixture
def fresh_run(monkeypatch):
    """A run in which no hint has been shown yet (restored afterwards)."""
    monkeypatch.setenv(config_keys._SHOWN_ENV, "")


def test_the_shipped_configuration_uses_no_old_key():
    assert migrate(copy.deepcopy(SHIPPED), CONFIG_RENAMED, "config/config.yaml") == []


def test_old_counselling_keys_still_work_with_a_german_hint_once(fresh_run, capsys):
    old = _old_form(SHIPPED)
    project = load_project(old, ROOT)
    assert old["beratung"] == SHIPPED["beratung"] and "counselling" not in old  # moved in place: the rules see the new keys
    assert project.counselling["beratungsfelder"]  # the data standard was read from its old key
    assert planning_settings(old) == planning_settings(SHIPPED)
    err = capsys.readouterr().err
    assert "config/config.yaml: der Schlüssel „counselling.benchmarks“ heißt jetzt „beratung.richtwerte“" in err
    assert "der Schlüssel „beratung“ heißt jetzt „beratung.standard“" in err and "nächsten Version" in err
    load_project(_old_form(SHIPPED), ROOT)  # the same run loads the configuration again …
    assert capsys.readouterr().err == ""  # … and says it only once


def test_old_and_new_key_side_by_side_are_refused():
    both = copy.deepcopy(SHIPPED)
    both["counselling"] = {"benchmarks": {"Suchtberatung": both["beratung"]["richtwerte"]["Suchtberatung"]}}
    with pytest.raises(InputError, match="„counselling.benchmarks“ heißt jetzt „beratung.richtwerte“, und beide") as err:
        migrate(both, CONFIG_RENAMED, "config/config.yaml")
    assert "config/config.yaml" in str(err.value) and "löschen" in str(err.value)


def test_a_shallow_copy_of_the_callers_configuration_is_migrated_without_changing_it():
    old = _old_form(SHIPPED)
    copied = {**old}
    migrate(copied, CONFIG_RENAMED, "config/config.yaml")
    assert old["counselling"]["benchmarks"] and isinstance(old["beratung"], str)
    assert copied["beratung"]["richtwerte"] == SHIPPED["beratung"]["richtwerte"]


def test_the_code_gets_the_benchmarks_under_its_own_names():
    settings = planning_settings(SHIPPED)
    assert list(settings) == ["social_index", "projection", "handlungsbedarfe", "counselling", "disclosure", "report"]
    assert settings["counselling"] == {"benchmarks": SHIPPED["beratung"]["richtwerte"]}
    without = {k: v for k, v in SHIPPED.items() if k != "beratung"}
    assert "counselling" not in planning_settings(without)
