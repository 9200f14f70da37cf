# Shared settings and input functions. Logic lives in the sozialbericht package.
import hashlib
from pathlib import Path

from snakemake.exceptions import WorkflowError

from sozialbericht.config import load_project
from sozialbericht.errors import InputError
from sozialbericht.versioning import code_version as git_code_version

try:
    PROJECT = load_project(config)
except InputError as err:
    raise WorkflowError(f"Konfigurationsfehler — es wurde nichts ausgeführt:\n{err}")

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


def publication_config(wildcards):
    """The configuration recorded in a report's manifest: the run settings and this district."""
    return {**{k: v for k, v in config.items() if k != "districts"}, "district": PROJECT.districts[wildcards.district]}


def previous_indicators(wildcards):
    """The indicator table of the previous year's published report (read if it exists; a frozen
    version, so it is not an input that Snakemake would try to rebuild)."""
    return str(REPORTS / wildcards.district / str(int(wildcards.year) - 1) / "indikatoren.csv")


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
