"""The chapters' registry: one module per chapter of report/kapitel.yaml beside its text, built in
reading order (a chapter after those it is built from), driven by a thin notebook."""

import re
import shutil

import pytest
import yaml
from chapter_data import District, complete
from conftest import ROOT

from sozialbericht.core.errors import InputError
from sozialbericht.report import chapters as registry

CHAPTERS = yaml.safe_load((ROOT / "report" / "kapitel.yaml").read_text(encoding="utf-8"))["kapitel"]
MODULES = ROOT / "src" / "sozialbericht" / "report" / "chapters"


def test_every_chapter_has_its_module_named_like_its_text():
    for entry in CHAPTERS:
        chapter = registry.chapter(entry["id"])
        assert entry["datei"] == f"{entry['id']}.md" and (MODULES / f"{registry.module_name(entry['id'])}.py").exists()
        assert callable(chapter.module.build) and isinstance(chapter.module.BUILT_FROM, tuple)
        assert chapter.module.__doc__.startswith(f'Chapter "{entry["titel"]}" (``report/kapitel/{entry["datei"]}``)')
    modules = {p.stem for p in MODULES.glob("*.py")} - {"__init__", "common"}
    assert modules == {registry.module_name(c["id"]) for c in CHAPTERS}, "a module without a chapter in report/kapitel.yaml"


def test_the_tables_a_chapter_reads_from_the_catalogue_are_declared_for_it():
    for entry in CHAPTERS:
        source = (MODULES / f"{registry.module_name(entry['id'])}.py").read_text(encoding="utf-8")
        read = set(re.findall(r'rows_of\("([a-z-]+)"\)', source))
        assert read == set(entry.get("tabellen", [])), entry["id"]


def test_a_chapter_is_built_after_the_chapters_it_is_built_from():
    order = [c.id for c in registry.in_build_order(ROOT / "report")]
    reading = [c["id"] for c in CHAPTERS]
    assert sorted(order) == sorted(reading)
    assert order.index("zusammenfassung") == order.index("handlungsbedarfe") + 1
    assert [i for i in order if i != "zusammenfassung"] == [i for i in reading if i != "zusammenfassung"]
    with pytest.raises(ValueError, match="in a circle"):
        registry.build_order(["a", "b"], {"a": ("b",), "b": ("a",)})
    with pytest.raises(ValueError, match="lacks"):
        registry.build_order(["a"], {"a": ("x",)})


def test_a_chapter_list_naming_a_chapter_without_module_is_refused(tmp_path):
    shutil.copytree(ROOT / "report", tmp_path / "report")
    path = tmp_path / "report" / "kapitel.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - {id: kita, titel: Kita, datei: kita.md}\n", encoding="utf-8")
    with pytest.raises(InputError, match="zum Kapitel „kita“ gibt es kein Modul"):
        registry.in_build_order(tmp_path / "report")


def test_the_notebook_is_a_driver_with_the_same_parameters():
    text = (ROOT / "notebooks" / "sozialbericht.py").read_text(encoding="utf-8")
    cells = re.split(r"^# %%.*$", text, flags=re.M)[1:]
    assert len(cells) == 4 and len(text.splitlines()) < 40
    assert re.findall(r"^(\w+) = ", cells[0], flags=re.M) == ["district", "year", "work_dir", "report_dir", "out_dir", "texte"]
    assert "build_context(district, year, work_dir, report_dir, out_dir, texte)" in cells[1]
    assert "for chapter in in_build_order(report_dir):\n    chapter.build(c)" in cells[2]


def test_every_chapter_built_in_order_on_a_small_district_renders(tmp_path):
    """The notebook's loop on a district with every kind of data: each chapter with values is
    rendered, in reading order."""
    c = complete(tmp_path).kontext()
    for chapter in registry.in_build_order(ROOT / "report"):
        chapter.build(c)
    text = "\n".join(c.bericht.markdown())
    headings = re.findall(r"^## (.+?) \{#sec-([\w-]+)", text, flags=re.M)
    assert [h[1] for h in headings] == [ch["id"] for ch in c.bericht.chapters if ch["id"] in c.bericht.values]
    assert [h[1] for h in headings][:3] == ["auf-einen-blick", "zusammenfassung", "bevoelkerung"]
    assert "beratung" not in c.bericht.values and "vorjahr" not in c.bericht.values  # no data for them
    assert c.built == [ch.id for ch in registry.in_build_order(ROOT / "report")]


def test_a_district_without_own_data_gets_the_national_chapters(tmp_path):
    c = District(tmp_path).national().kontext()
    for chapter in registry.in_build_order(ROOT / "report"):
        chapter.build(c)
    assert set(c.bericht.values) == {
        "auf-einen-blick", "zusammenfassung", "bevoelkerung", "arbeit", "pflege", "gemeinden", "handlungsbedarfe", "methodik", "anhang",
    }  # fmt: skip
