# Shared settings and input functions. Logic lives in the sozialbericht package.
import hashlib
import shutil
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

from sozialbericht.config import check_district_keys, load_project
from sozialbericht.pipeline import failure_summary
from sozialbericht.errors import InputError
from sozialbericht.versioning import code_version as git_code_version

try:
    PROJECT = load_project(config)
    check_district_keys(PROJECT)
except InputError as err:
    raise WorkflowError(f"Configuration error — nothing was run:\n{err}")

RAW = Path(config["paths"]["raw"])
RESULTS = Path(config["paths"]["results"])
REPORTS = Path(config["paths"]["reports"])
YEAR = int(config["year"])
CODE_VERSION = git_code_version(workflow.basedir)
TABLES = sorted(n for n, s in PROJECT.datasets.items() if s["format"] != "vg5000")
BOUNDARIES = next(n for n, s in PROJECT.datasets.items() if s["format"] == "vg5000")
LAYERS = [Path(f).stem for f in PROJECT.datasets[BOUNDARIES]["files"]]


def dataset_files(wildcards):
    """Raw files of one national dataset."""
    return [RAW / f for f in PROJECT.datasets[wildcards.dataset]["files"]]


def dataset_spec(wildcards):
    return PROJECT.datasets[wildcards.dataset]


def boundary_files():
    """Every part of every VG5000 layer (.shp, .shx, .dbf, .prj)."""
    return [RAW / Path(f).with_suffix(ext) for f in PROJECT.datasets[BOUNDARIES]["files"] for ext in (".shp", ".shx", ".dbf", ".prj")]


def completeness_requirements():
    """Every configured district's Kreis must be present for the report year (see validation)."""
    return [{"kreis": d["kreis"], "year": YEAR, "district": d["id"]} for d in PROJECT.districts.values()]


def all_raw_inputs():
    return sorted({str(RAW / f) for spec in PROJECT.datasets.values() for f in spec["files"]} | {str(p) for p in boundary_files()})


def district_config(wildcards):
    """The checked configuration of one district (only its own file affects its jobs)."""
    return PROJECT.districts[wildcards.district]


def district_data_config(wildcards):
    """What the ingestion of a district's own files depends on (not its texts or version)."""
    d = PROJECT.districts[wildcards.district]
    return {"id": d["id"], "kreis": d["kreis"], "small_area_data": d["small_area_data"]}


def publication_config(wildcards):
    """The configuration recorded in a report's manifest: the run settings and this district."""
    return {**{k: v for k, v in config.items() if k != "districts"}, "district": PROJECT.districts[wildcards.district]}


def previous_indicators(wildcards):
    """The indicator table of the previous year's published report (read if it exists; a frozen
    version, so it is not an input that Snakemake would try to rebuild)."""
    return str(REPORTS / wildcards.district / str(int(wildcards.year) - 1) / "indikatoren.csv")


def district_folder(wildcards):
    """data/raw/<folder>/ of a district's own small-area files."""
    return str(RAW / PROJECT.districts[wildcards.district]["small_area_data"]["folder"])


def district_input_files(wildcards):
    """The district's small-area files (one per template file name)."""
    folder = Path(district_folder(wildcards))
    return sorted({str(folder / spec["file"]) for spec in PROJECT.district_inputs.values()})


def district_staged(wildcards):
    """Staged small-area tables and validation summary of a district that has them, else nothing."""
    if "small_area_data" not in PROJECT.districts[wildcards.district]:
        return []
    base = RESULTS / "staged" / "districts" / wildcards.district / wildcards.year
    return [str(base / f"{name}.csv") for name in sorted(PROJECT.district_inputs)] + [
        str(RESULTS / "validation" / f"district_{wildcards.district}_{wildcards.year}.json")]


def report_dir(wildcards):
    return str(REPORTS / wildcards.district / wildcards.year)


def published_markers():
    """One marker per district and year. The marker records a publication in reports/; if the
    published folder was deleted by hand, the marker is dropped so that the report is rebuilt."""
    markers = []
    for district in PROJECT.districts:
        marker = RESULTS / "published" / district / str(YEAR) / "published.json"
        if marker.exists() and not (REPORTS / district / str(YEAR) / "sozialbericht.md").exists():
            marker.unlink()
        markers.append(marker)
    return markers


PACKAGE = Path(workflow.basedir) / "src" / "sozialbericht"


def code_version(*parts):
    """Checksum of the package modules that a job uses. A change in them reruns the job
    (Snakemake reruns a job when its params change)."""
    h = hashlib.sha256()
    for part in parts:
        for f in sorted((PACKAGE / part).rglob("*") if (PACKAGE / part).is_dir() else [PACKAGE / part]):
            if f.is_file() and f.suffix in (".py", ".lua", ".css", ".typst", ".yml", ".html"):
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


onstart:
    shutil.rmtree(RESULTS / "failures", ignore_errors=True)


onerror:
    print(failure_summary(RESULTS / "failures"), file=sys.stderr)
