"""Every Kreis of Germany by configuration alone, in the workflow: the files `init-district` writes
for all Kreise pass the configuration check and a dry run plans every report."""

import os
import re
import shutil
from pathlib import Path

import yaml
from conftest import copy_project, run_workflow

from sozialbericht.core.config import load_project, parse_yaml


def test_every_written_configuration_passes_the_check_and_the_dry_run(tmp_path, district_configurations):
    """Issue 27.1: `init-district` for all Kreise into one folder; the configuration check accepts
    every file (also Kreise with Gemeinden of a former Kreis, e.g. Osterode in Göttingen) and a dry
    run of all Kreise plans every report."""
    project = copy_project(tmp_path / "project")
    folder = project / "config" / "districts"
    shutil.rmtree(folder)
    folder.mkdir()
    for text, district_id in district_configurations.values():
        (folder / f"{district_id}.yaml").write_text(text, encoding="utf-8")
    goettingen = parse_yaml(district_configurations["03159"][0])
    assert goettingen["former_kreise"] == ["03156"]
    assert any(c["from"].startswith("03156") for c in goettingen["territorial_changes"])
    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["districts"] = ["all"]
    cwd = Path.cwd()
    try:
        os.chdir(project)
        assert len(load_project(config).districts) == len(district_configurations)
    finally:
        os.chdir(cwd)
    proc = run_workflow(project, "--dry-run", "--config", "districts=['all']")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert "eine Gebietsänderung" not in proc.stdout + proc.stderr
    assert re.search(r"^publish_reports\s+\d+", proc.stdout + proc.stderr, flags=re.M)
