"""The README's worked example "Adding an indicator to an existing table": one catalogue entry,
written into a temporary copy of the catalogue, passes the configuration check and appears in its
table, through the chapter function — no code, no notebook."""

import re
import shutil

import yaml
from chapter_data import BUND, KREIS, LAND, District, build, catalogue_file, cells
from conftest import ROOT

from sozialbericht.core.config import load_project


def readme_entry() -> str:
    """The catalogue entry of the worked example, as the README shows it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding an indicator to an existing table", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)


def test_a_catalogue_only_addition_appears_in_its_table(tmp_path, monkeypatch):
    entry = readme_entry()
    assert "zeigen: [{tabelle: bevoelkerung-struktur, position: 7}]" in entry
    project = tmp_path / "project"
    shutil.copytree(ROOT / "config", project / "config")
    shutil.copytree(ROOT / "report", project / "report")
    (project / "data").symlink_to(ROOT / "data")
    catalogue = project / "config" / "indicators.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n" + entry, encoding="utf-8")
    monkeypatch.chdir(project)
    checked = load_project(yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))).catalogue
    assert checked[-1]["id"] == "anteil_unter18"

    d = District(tmp_path / "district", catalogue=list(catalogue_file(catalogue))).national()
    for area, value in ((KREIS, 14.04), (LAND, 14.8), (BUND, 16.49)):
        d.add("anteil_unter18", area, "2020-12-31", value)
    c = build(d.kontext(), "bevoelkerung")
    rows = cells(c, "bevoelkerung-struktur")
    assert len(rows) == 1 + 7 and rows[-1] == ["Anteil unter 18 Jahren", "14,0\u00a0%", "14,8\u00a0%", "16,5\u00a0%"]
