"""The package's stages and what each may import (the README's table "Architecture").

Every module of ``src/sozialbericht/<stage>/`` may import its own stage and the stages its
``__init__`` names in ``MAY_IMPORT`` — also inside functions. ``tools`` is imported by no stage.
"""

import ast
import importlib
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "sozialbericht"
STAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def imported_stages(path: Path) -> list[tuple[int, str]]:
    """(line, stage) of every import of a stage of the package in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "sozialbericht" else [f"sozialbericht.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [(node.lineno, n.split(".")[1]) for n in names if n.startswith("sozialbericht.") and n.split(".")[1] in STAGES]
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    out = []
    for stage in STAGES:
        may = {stage, *importlib.import_module(f"sozialbericht.{stage}").MAY_IMPORT}
        for module in sorted((package / stage).rglob("*.py")):
            out += [
                f"{module.relative_to(package)}:{line} imports sozialbericht.{other}"
                for line, other in imported_stages(module)
                if other not in may
            ]
    return out


def test_the_stages_are_the_documented_ones():
    assert STAGES == ["compute", "core", "ingest", "publish", "report", "tools", "validate"]
    assert not [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"], "modules belong to a stage"


def test_every_stage_says_what_lives_there_and_what_it_may_import():
    for stage in STAGES:
        module = importlib.import_module(f"sozialbericht.{stage}")
        assert len(module.__doc__ or "") > 100, stage
        assert "May import" in module.__doc__, stage
        assert set(module.MAY_IMPORT) <= set(STAGES) - {stage, "tools"}, stage


def test_no_module_imports_a_stage_it_may_not():
    assert violations() == []


def test_the_readme_table_matches_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for stage in STAGES:
        may = importlib.import_module(f"sozialbericht.{stage}").MAY_IMPORT
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{stage}/`")), None)
        assert row, f"README: no row for {stage}/ in the architecture table"
        allowed = row.split("|")[-2]
        assert sorted(allowed.replace("`", "").replace(",", " ").split()) == sorted(may) or (not may and "—" in allowed), row


@pytest.mark.parametrize("stage,forbidden", [("core", "compute"), ("compute", "report"), ("validate", "ingest")])
def test_a_forbidden_import_is_found(tmp_path, stage, forbidden):
    """The check itself fails on a module that breaks the rules (also inside a function)."""
    copy = tmp_path / "sozialbericht"
    for s in STAGES:
        (copy / s).mkdir(parents=True)
    (copy / stage / "bad.py").write_text(f"def f():\n    from sozialbericht.{forbidden}.x import y\n", encoding="utf-8")
    assert violations(copy) == [f"{stage}/bad.py:2 imports sozialbericht.{forbidden}"]


def test_every_test_module_has_a_name_of_its_own():
    """pytest imports test modules by their basename (rootdir mode, no packages): two files of one
    name in different folders stop the whole run at collection."""
    names: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if "node_modules" not in path.parts:
            names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {n: p for n, p in names.items() if len(p) > 1} == {}
