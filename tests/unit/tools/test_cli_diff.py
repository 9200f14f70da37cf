"""`make diff` / `sozialbericht aenderungen`: the change summary between two git versions of a published report."""

import subprocess
import sys

from conftest import ROOT


def test_make_diff_between_two_commits(tmp_path):
    repo = tmp_path / "repo"
    (repo / "reports/harz/2020").mkdir(parents=True)
    (repo / "config").mkdir()
    (repo / "config/config.yaml").write_text("diff:\n  threshold_percent: 1.0\n", encoding="utf-8")
    csv = repo / "reports/harz/2020/indikatoren.csv"
    csv.write_bytes((ROOT / "tests/fixtures/indikatoren_alt.csv").read_bytes())
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    git("tag", "harz-2020-v1")
    csv.write_text(csv.read_text(encoding="utf-8").replace("210975", "211500"), encoding="utf-8")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2")
    out = tmp_path / "mr.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sozialbericht.tools.cli",
            "aenderungen",
            "harz-2020-v1",
            "HEAD",
            "--root",
            str(repo),
            "--threshold",
            "0.1",
            "--markdown",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1 Wert um mehr als 0,1 % geändert" in proc.stdout
    assert "| bevoelkerung | Harz, Landkreis (15085) | 31.12.2020 | 210.975 | 211.500 | +0,2 % |" in proc.stdout
    assert out.read_text(encoding="utf-8") == proc.stdout
