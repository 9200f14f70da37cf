# Shared settings and input functions. Logic lives in the sozialbericht package.
import importlib
import json
import os
import sys
import time
from pathlib import Path

from snakemake.exceptions import WorkflowError

import sozialbericht
from sozialbericht.core.checksums import ChecksumCache, project_files, tree_checksum
from sozialbericht.core.config import load_project, text_files
from sozialbericht.core.config_keys import planning_settings
from sozialbericht.core.errors import InputError
from sozialbericht.ingest.inputs import district_raw_files, missing_inputs
from sozialbericht.core.pipeline import run_summary
from sozialbericht.report.render import RenderError, resolve_engine
from sozialbericht.core.selection import batches
from sozialbericht.publish.versioning import code_version as git_code_version

STARTED = time.time()
try:
    PROJECT = load_project(config)
    ENGINE = resolve_engine(config["render"]["engine"])
except (InputError, RenderError) as err:
    raise WorkflowError(
        f"Fehler in der Konfiguration – nichts wurde ausgeführt:\n{err}"
    )

RAW = Path(config["paths"]["raw"])
RESULTS = Path(config["paths"]["results"])
REPORTS = Path(config["paths"]["reports"])
REPORT_DIR = Path(config.get("report", {}).get("dir", "report"))
YEAR = int(config["year"])
DISTRICTS = PROJECT.districts
INVALID = {d: str(err) for d, err in PROJECT.invalid.items()}
if INVALID and workflow.is_main_process:
    print(
        "Kreiskonfiguration fehlerhaft – diese Kreise laufen nicht, die anderen schon:\n"
        + "\n".join(INVALID.values()),
        file=sys.stderr,
    )
BATCHES = batches(DISTRICTS, config.get("batch_size", 8))
BATCH_OF = {d: b for b, members in BATCHES.items() for d in members}
TABLES = sorted(n for n, s in PROJECT.datasets.items() if s["format"] != "vg5000")
BOUNDARIES = next(n for n, s in PROJECT.datasets.items() if s["format"] == "vg5000")
LAYERS = [Path(f).stem for f in PROJECT.datasets[BOUNDARIES]["files"]]
OWN = sorted(d for d, cfg in DISTRICTS.items() if cfg.get("small_area_data"))

# Every input must exist before anything runs: a deleted or renamed file is an error naming it,
# never "nothing to be done".
_missing = missing_inputs(PROJECT, RAW)
if _missing:
    raise WorkflowError(
        "Eingabedateien fehlen – nichts wurde ausgeführt:\n"
        + "\n".join(f"  - {m}" for m in _missing)
        + "\nAbhilfe: die Dateien wiederherstellen (data/raw/README.md nennt Quelle und Prüfsumme jeder Datei) "
        "oder die Konfiguration anpassen."
    )

# Content checksums of the raw inputs: a job reruns when the content of its input changes, even if
# the file's time stamp is older than the job's outputs (e.g. a restored backup).
CHECKSUMS = ChecksumCache(RESULTS / ".checksums.json")


def dataset_files(wildcards):
    """Raw files of one national dataset."""
    return [RAW / f for f in PROJECT.datasets[wildcards.dataset]["files"]]


def dataset_spec(wildcards):
    return PROJECT.datasets[wildcards.dataset]


def dataset_checksum(wildcards):
    return tree_checksum(dataset_files(wildcards), CHECKSUMS)


def boundary_files():
    """Every part of every VG5000 layer (.shp, .shx, .dbf, .prj)."""
    return [
        RAW / Path(f).with_suffix(ext)
        for f in PROJECT.datasets[BOUNDARIES]["files"]
        for ext in (".shp", ".shx", ".dbf", ".prj")
    ]


def national_raw_inputs():
    return sorted(
        {str(RAW / f) for spec in PROJECT.datasets.values() for f in spec["files"]}
        | {str(p) for p in boundary_files()}
    )


RAW_FILES = {
    d: district_raw_files(DISTRICTS[d], PROJECT.district_inputs, RAW) for d in OWN
}
RAW_CHECKSUMS = {d: {f: CHECKSUMS[f] for f in files} for d, files in RAW_FILES.items()}
NATIONAL_RAW = national_raw_inputs()
NATIONAL_CHECKSUM = tree_checksum(NATIONAL_RAW, CHECKSUMS)
CHECKSUMS.save()


def district_files(wildcards):
    """The district's own raw files (checked to exist before the run)."""
    return RAW_FILES[wildcards.district]


def district_data_config(wildcards):
    """What the ingestion of a district's own files depends on (not its texts or version)."""
    d = DISTRICTS[wildcards.district]
    return {
        "id": d["id"],
        "kreis": d["kreis"],
        "small_area_data": d["small_area_data"],
        "beratung_vollstaendig": d.get("beratung_vollstaendig", False),
        "raw": RAW_CHECKSUMS[wildcards.district],
    }


def district_folder(wildcards):
    return str(RAW / DISTRICTS[wildcards.district]["small_area_data"]["folder"])


def staged_of(district):
    """The folder of the district's staged own tables (empty if its data did not pass)."""
    if district not in OWN:
        return []
    return [str(RESULTS / "staged" / "districts" / district / str(YEAR))]


def quality_of(district):
    return (
        [str(RESULTS / "validation" / f"district_{district}_{YEAR}.json")]
        if district in OWN
        else []
    )


def batch_inputs(wildcards):
    """Inputs of one batch's report job: the national results, its districts' own staged data,
    configuration files and texts, the notebook and the report project."""
    members = BATCHES[wildcards.batch]
    files = {d: PROJECT.district_files.get(d, {}).get("_file") for d in members}
    texts = [t for d in members for t in text_files(DISTRICTS[d].get("texte", {}))]
    return {
        "national": RESULTS / "national" / wildcards.year / "summary.json",
        "backtest": RESULTS / "benchmarks" / "backtest.json",
        "staged": [f for d in members for f in staged_of(d) + quality_of(d)],
        "configs": [f for f in files.values() if f],
        "texts": texts,
        "notebook": "notebooks/sozialbericht.ipynb",
        "report": [os.path.relpath(p) for p in project_files(REPORT_DIR)],
    }


def batch_members(wildcards):
    """Each member's complete configuration and its own data (as parameters: a change reruns the batch)."""
    return [
        {
            "id": d,
            "config": {k: v for k, v in DISTRICTS[d].items() if k != "_file"},
            "staged": staged_of(d),
            "quality": quality_of(d),
            "raw_files": RAW_FILES.get(d, []),
            "raw_checksums": RAW_CHECKSUMS.get(d, {}),
        }
        for d in BATCHES[wildcards.batch]
    ]


def published_markers():
    """One marker per batch. If a member's published folder was deleted by hand, the marker is
    dropped so that the batch is rebuilt."""
    markers = []
    for batch, members in BATCHES.items():
        marker = RESULTS / "published" / str(YEAR) / f"{batch}.json"
        if marker.exists() and not all(
            (REPORTS / d / str(YEAR) / "manifest.json").exists() for d in members
        ):
            marker.unlink()
        markers.append(marker)
    return markers


# the package the jobs import (the project's src/ or, in a copy of the workflow, the installed one)
PACKAGE = Path(sozialbericht.__file__).resolve().parent
CODE_VERSION = git_code_version(workflow.basedir)


_CODE_SUFFIXES = (
    ".py",
    ".lua",
    ".css",
    ".typ",
    ".yml",
    ".yaml",
    ".html",
    ".md",
    ".ipynb",
)


def _stage_closure(stages):
    """The stages and every sub-package they may import (their MAY_IMPORT, transitively)."""
    todo, seen = list(stages), set()
    while todo:
        stage = todo.pop()
        if stage not in seen:
            seen.add(stage)
            todo += importlib.import_module(f"sozialbericht.{stage}").MAY_IMPORT
    return sorted(seen)


def code_version(*stages, extra=()):
    """Checksum of the code a job runs: the package's stage sub-packages it uses (with what they
    may import) and ``extra`` project files. A change in them reruns the job."""
    parts = [PACKAGE / s for s in _stage_closure(stages)] + [Path(e) for e in extra]
    files = sorted(
        f
        for p in parts
        for f in (project_files(p) if p.is_dir() else [p])
        if f.is_file() and f.suffix in _CODE_SUFFIXES
    )
    return tree_checksum(files, root=PACKAGE.parent)


# The run's start and size, for the progress lines of the report jobs (only the main process
# writes it; jobs on a cluster node re-read the workflow but do not write).
def _dry_run():
    try:
        return bool(workflow.dryrun)
    except Exception:  # the executor is not known yet while parsing
        return "--dry-run" in sys.argv or "-n" in sys.argv


if workflow.is_main_process and not _dry_run():
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    (RESULTS / "logs" / "run.json").write_text(
        json.dumps({"started": STARTED, "districts": len(DISTRICTS)}), encoding="utf-8"
    )


onsuccess:
    print(
        run_summary(RESULTS / "logs", STARTED, list(DISTRICTS), True, INVALID),
        file=sys.stderr,
    )


onerror:
    print(
        run_summary(RESULTS / "logs", STARTED, list(DISTRICTS), False, INVALID),
        file=sys.stderr,
    )
