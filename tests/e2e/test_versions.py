"""Versions: byte-identical rebuilds, committed text twins, the yearly rerun, incremental reruns
and the change summary."""

import hashlib
import re
import subprocess

import yaml
from conftest import ROOT, copy_project, copy_tree, run_workflow

from sozialbericht.ingest.own_data import current_gemeinden
from sozialbericht.ingest.staging import stage_table
from sozialbericht.tools.synthetic import generate

OUTPUTS = [
    "sozialbericht.html",
    "sozialbericht.pdf",
    "sozialbericht.md",
    "indikatoren.csv",
    "tabellen.xlsx",
    "gemeinden.geojson",
    "metadaten.jsonld",
    "manifest.json",
]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _normalise_code_version(text: str) -> str:
    """The code version is 'ohne-git' in a test copy and a git describe in the checkout."""
    return re.sub(r"Code [^ ·\"]+", "Code <git>", re.sub(r'"code": "[^"]+"', '"code": "<git>"', text))


def test_rebuild_from_scratch_is_byte_identical(e2e_project, tmp_path):
    second = copy_project(tmp_path / "second")
    proc = run_workflow(second)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in OUTPUTS:
        assert _sha(second / "reports/harz/2020" / name) == _sha(e2e_project / "reports/harz/2020" / name), name


def test_committed_twins_equal_what_the_committed_code_produces(e2e_project):
    for name in ("sozialbericht.md", "indikatoren.csv"):
        committed = ROOT / "reports/harz/2020" / name
        assert committed.exists(), f"{committed} is not committed: run `make report` and commit the twins"
        produced = (e2e_project / "reports/harz/2020" / name).read_text(encoding="utf-8")
        assert _normalise_code_version(committed.read_text(encoding="utf-8")) == _normalise_code_version(produced), (
            f"{name} differs from what the code produces: run `make report` and commit reports/"
        )


def _add_year_2021(raw):
    """Generated data for 2021, consistent like real data: the 2020 age groups of every Kreis
    scaled to its 2021 total in the GV-ISys directory (Kreise dissolved by 2021 are left out),
    and the unemployment rows of 2020 shifted
    by one year with a plausible change, inserted before each table's footer."""
    import numpy as np

    from sozialbericht.compute.rounding import largest_remainder

    datasets = yaml.safe_load((ROOT / "config/datasets.yaml").read_text(encoding="utf-8"))
    gv = stage_table(datasets["gemeindeverzeichnis"], [raw.parent / f for f in datasets["gemeindeverzeichnis"]["files"]])
    gv = gv[(gv.area_level == "gemeinde") & (gv.variable == "bevoelkerung") & (gv.period == "2021-12-31")]
    totals = gv.groupby(gv.area_id.str[:5]).value.sum()

    path = raw / "genesis" / "12411-0018.csv"
    lines = path.read_bytes().decode("latin-1").split("\n")
    kreis_rows = []
    for line in lines:
        if not line.startswith("31.12.2020;"):
            continue
        f = line.split(";")
        if len(f[1]) != 5 or f[1] not in totals.index:
            continue
        groups = np.array([int(v) for v in f[3:]], dtype=float)
        scaled = largest_remainder(int(totals[f[1]]), groups)
        kreis_rows.append(";".join(["31.12.2021", f[1], f[2], *map(str, scaled)]))
    footer = next(i for i, line in enumerate(lines) if line.startswith("_____"))
    path.write_bytes("\n".join(lines[:footer] + kreis_rows + lines[footer:]).encode("latin-1"))

    path = raw / "genesis" / "13211-02-05-4.csv"
    lines = path.read_bytes().decode("latin-1").split("\n")
    rows = [line for line in lines if line.startswith("2020;")]

    def shift(value):
        if not re.fullmatch(r"\d+(,\d+)?", value):
            return value
        if "," in value:
            return f"{float(value.replace(',', '.')) * 0.93:.1f}".replace(".", ",")
        return str(round(int(value) * 0.93))

    new_rows = ["2021;" + ";".join(f[:2] + [shift(v) for v in f[2:]]) for f in (r[5:].split(";") for r in rows)]
    footer = next(i for i, line in enumerate(lines) if line.startswith("_____"))
    path.write_bytes("\n".join(lines[:footer] + new_rows + lines[footer:]).encode("latin-1"))


def _district_data_2021(project):
    """The district's own files for 2017–2021, generated from the national tables with 2021."""
    raw = project / "data/raw/national"
    datasets = yaml.safe_load((project / "config/datasets.yaml").read_text(encoding="utf-8"))
    tables = {
        name: stage_table(datasets[name], [raw.parent / f for f in datasets[name]["files"]])
        for name in ("bevoelkerung_alter", "arbeitslose", "gemeindeverzeichnis")
    }
    generate(
        "15085",
        [2017, 2018, 2019, 2020, 2021],
        tables["bevoelkerung_alter"],
        tables["arbeitslose"],
        tables["gemeindeverzeichnis"],
        project / "data/raw/harz",
        seed=2021,
        standard=yaml.safe_load((project / "config/beratung.yaml").read_text(encoding="utf-8")),
        names=current_gemeinden(tables["gemeindeverzeichnis"], "15085"),
    )


def test_next_year_report_leaves_earlier_reports_untouched(e2e_project, tmp_path):
    project = copy_tree(e2e_project, tmp_path / "nextyear")
    before = {name: _sha(project / "reports/harz/2020" / name) for name in OUTPUTS}
    _add_year_2021(project / "data/raw/national")
    _district_data_2021(project)
    proc = run_workflow(project, "--config", "year=2021")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {name: _sha(project / "reports/harz/2020" / name) for name in OUTPUTS} == before
    md = (project / "reports/harz/2021/sozialbericht.md").read_text(encoding="utf-8")
    assert "title: Sozialbericht Landkreis Harz 2021" in md
    assert "Veränderungen gegenüber dem Vorjahresbericht" in md
    assert re.search(r"\| Arbeitslosenquote \| 6,1\s%\s\(2020\) \| 5,7\s%\s\(2021\)", md.replace("\u00a0", " "))
    assert "Veränderungen gegenüber dem Vorjahresbericht" not in (project / "reports/harz/2020/sozialbericht.md").read_text(
        encoding="utf-8"
    )


def test_changing_one_district_reruns_only_that_district(e2e_project, tmp_path):
    project = copy_tree(e2e_project, tmp_path / "two")
    cfg = project / "config/config.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  - harz\n", "  - harz\n  - salzlandkreis\n"), encoding="utf-8")
    proc = run_workflow(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (project / "reports/salzlandkreis/2020/sozialbericht.pdf").exists()
    assert "Nothing to be done" in run_workflow(project, "--dry-run").stdout
    district = project / "config/districts/harz.yaml"
    district.write_text(district.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), encoding="utf-8")
    plan = run_workflow(project, "--dry-run").stdout
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", plan.split("Job stats:")[1].split("Reasons")[0], flags=re.M))
    assert jobs == {"publish_reports": "1", "all": "1", "total": "2"}, jobs
    assert "salzlandkreis" not in plan.split("Job stats:")[0]


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_a_clone_with_untracked_files_elsewhere_builds_exactly_what_is_committed(e2e_project, tmp_path):
    """Two clones at different places, one with untracked files of every kind under report/ and
    the package (an editor's backup, a Quarto cache, a scratch template, byte code): the report job
    finds its published report up to date (same fingerprint), and every tracked file is equal."""
    first = copy_tree(e2e_project, tmp_path / "a" / "project")
    _git(first, "init", "-q")
    _git(first, "add", "-A", "Snakefile", "rules", "scripts", "config", "notebooks", "report", "profiles", "data", "reports")
    _git(first, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "stand")
    proc = run_workflow(first, "--forcerun", "publish_reports")
    assert proc.returncode == 0, proc.stderr[-3000:]
    _git(first, "add", "-A", "reports")
    _git(first, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "veröffentlicht", "--allow-empty")
    second = copy_tree(first, tmp_path / "b" / "anderer-ort" / "project")
    for junk in (
        "report/kapitel/bevoelkerung.md~",
        "report/.quarto/xref/cache.json",
        "report/entwurf.md",
        "report/filters/alt.lua",
    ):
        (second / junk).parent.mkdir(parents=True, exist_ok=True)
        (second / junk).write_text("nicht Teil des Projekts\n", encoding="utf-8")
    proc = run_workflow(second, "--forcerun", "publish_reports")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "unverändert" in proc.stdout + proc.stderr
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=second, capture_output=True, text=True)
    assert status.stdout.strip() == "", status.stdout
    for path in sorted((first / "reports").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path.relative_to(first)
