"""Version identity of a report: title-block metadata, version stamp and manifest.

The stamp names the report year, the reference dates, a data version (checksum over the input
checksums), the code version (``git describe`` of the last commit that changed the code) and a
config checksum. Nothing in it depends on the time of the run, so rebuilding gives the same files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sozialbericht.core import formatting as fmt
from sozialbericht.core.checksums import sha256

PACKAGES = [
    "sozialbericht",
    "pandas",
    "numpy",
    "matplotlib",
    "great_expectations",
    "snakemake",
    "papermill",
    "pypandoc_binary",
    "typst",
    "openpyxl",
    "pyshp",
    "pyproj",
]
#: What counts as code for the code version (reports, results and data do not).
CODE_PATHS = ["src", "notebooks", "rules", "scripts", "Snakefile", "pyproject.toml", "requirements.lock"]


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def code_version(root: str | Path) -> str:
    """``git describe`` of the last commit that changed the code, ``+dirty`` with uncommitted code
    changes, or ``ohne-git`` outside a git checkout. Committing published reports does not change it."""
    root = Path(root)
    last = _git(root, "log", "-1", "--format=%H", "--", *CODE_PATHS)
    if last is None:
        return "ohne-git"
    described = _git(root, "describe", "--tags", "--always", "--abbrev=8", last) or last[:8]
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *CODE_PATHS)
    return described + ("+dirty" if dirty else "")


def checksum(obj) -> str:
    """Short SHA-256 of a JSON-serialisable object (canonical form)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def data_version(inputs: list[dict]) -> str:
    """Short checksum over every input file's path and SHA-256."""
    return checksum([(i["path"], i["sha256"]) for i in inputs])


@functools.lru_cache(maxsize=4096)
def _file_sha256(path: str, mtime_ns: int, size: int) -> str:
    """SHA-256 of a file, once per process and version of the file (a batch's reports share the
    national inputs: 25 MB, a tenth of a second to hash)."""
    return sha256(path)


def input_records(paths: list[str], datasets: dict, raw_root: str) -> list[dict]:
    """Path, size, SHA-256 and source dataset of every input file."""
    owner = {str(Path(raw_root) / f): name for name, spec in datasets.items() for f in spec["files"]}
    records = []
    for p in sorted(map(str, paths)):
        base = str(Path(p).with_suffix(".shp")) if Path(p).suffix in (".shx", ".dbf", ".prj") else p
        name = owner.get(p) or owner.get(base, "")
        st = os.stat(p)
        records.append(
            {
                "path": p,
                "size": st.st_size,
                "sha256": _file_sha256(p, st.st_mtime_ns, st.st_size),
                "dataset": name,
                "source": datasets[name]["table"] if name else "",
            }
        )
    return records


def publisher(district: dict, name: str) -> str:
    """``impressum.herausgeber``, else the Kreis's name and seat."""
    own = district.get("impressum", {})
    return own.get("herausgeber") or name + (f", {district['sitz']}" if district.get("sitz") else "")


def imprint(district: dict, name: str) -> str:
    """The imprint line of the title page (`impressum` in the district's configuration)."""
    own = district.get("impressum", {})
    parts = [f"Herausgeber: {publisher(district, name)}"]
    parts += [
        f"{label}: {own[key]}"
        for key, label in (("fachdienst", "Bearbeitung"), ("anschrift", "Anschrift"), ("kontakt", "Kontakt"))
        if own.get(key)
    ]
    if own.get("veroeffentlicht"):
        parts.append(f"Veröffentlicht am {fmt.date(own['veroeffentlicht'])}")
    parts.append(
        own.get("lizenz")
        or "Texte und Tabellen dürfen mit Quellenangabe weiterverwendet werden; die Lizenzen der "
        "amtlichen Daten stehen im Kapitel Methodik und Quellen"
    )
    return " · ".join(parts)


def report_metadata(context: dict, stamp: dict) -> dict:
    """Title, subtitle, Datenstand, publisher, version stamp and data note of the report (German):
    the YAML front matter of the rendered notebook."""
    d, year, meta = context["district"], context["year"], context["kreis"]
    periods = context["periods"]

    def latest(ds, label, as_date=True):
        p = periods.get(ds, {}).get("latest")
        return f"{label} {fmt.date(p) if as_date else p}" if p else None

    parts = [
        latest("bevoelkerung_alter", "Bevölkerung"),
        latest("arbeitslose", "Arbeitsmarkt Jahresdurchschnitt", False),
        latest("pflege", "Pflege"),
    ]
    out = {
        "title": f"Sozialbericht {meta['name']} {year}",
        "subtitle": f"Berichtsjahr {year} · Version {d['version']}",
        "datenstand": "Datenstand: " + ", ".join(p for p in parts if p),
        "herausgeber": publisher(d, meta["name"]),
        "versionsstempel": f"Versionsstempel: Berichtsjahr {year} · Version {d['version']} · Daten {stamp['data']} · "
        f"Code {stamp['code']} · Konfiguration {stamp['config']}",
        "impressum": imprint(d, meta["name"]),
        "lang": "de",
    }
    own = d.get("impressum", {})
    if own.get("fachdienst"):
        out["fachdienst"] = own["fachdienst"]
    if own.get("veroeffentlicht"):
        out["veroeffentlicht"] = f"Veröffentlicht am {fmt.date(own['veroeffentlicht'])}"
    if context.get("synthetic"):
        out["hinweis"] = (
            "Die kleinräumigen Angaben dieses Berichts (Gemeinden, Sozialräume) beruhen auf synthetischen "
            "Beispieldaten; amtlich sind die Werte für Kreis, Land und Bund."
        )
    return out


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "not installed"


def manifest(inputs: list[dict], config: dict, context: dict, stamp: dict, render_result: dict) -> dict:
    """Every input with size, SHA-256 and source, the configuration, versions and the render engine."""
    return {
        "district": context["district"]["id"],
        "year": context["year"],
        "version_stamp": stamp,
        "inputs": inputs,
        "config": config,
        "packages": {pkg: _version(pkg) for pkg in PACKAGES},
        "engine": render_result["engine"],
        "engine_version": render_result["engine_version"],
    }
