"""Title-block metadata and the manifest of a published report version."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sozialbericht import formatting as fmt
from sozialbericht.pipeline import sha256

PACKAGES = ["sozialbericht", "pandas", "numpy", "matplotlib", "great_expectations", "snakemake", "papermill",
            "pypandoc_binary", "typst", "openpyxl", "pyshp", "pyproj", "babel"]


def report_metadata(context: dict) -> dict:
    """Title, subtitle and date line of the report (German), from the district context."""
    d, year = context["district"], context["year"]
    stand = context["periods"]["bevoelkerung_alter"]["latest"]
    return {
        "title": f"Sozialbericht {d['name']} {year}",
        "subtitle": f"Berichtsjahr {year} · Version {d['version']}",
        "date": f"Datenstand: Bevölkerung {fmt.date(stand)}, Arbeitsmarkt Jahresdurchschnitt "
                f"{context['periods']['arbeitslose']['latest']}, Pflege {fmt.date(context['periods']['pflege']['latest'])}",
        "publisher": d["name"] + (f", {d['sitz']}" if d.get("sitz") else ""),
        "version-stamp": f"Sozialbericht {d['name']} · Berichtsjahr {year} · Version {d['version']}",
        "lang": "de-DE",
    }


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "not installed"


def manifest(inputs: list[str], config: dict, context: dict, render_result: dict) -> dict:
    """Every input with size and sha256, the configuration, package versions and the render engine."""
    return {
        "district": context["district"]["id"], "year": context["year"],
        "inputs": [{"path": str(p), "size": Path(p).stat().st_size, "sha256": sha256(p)} for p in sorted(map(str, inputs))],
        "config": config, "district_config": context["district"],
        "packages": {pkg: _version(pkg) for pkg in PACKAGES},
        "engine": render_result["engine"], "engine_version": render_result["engine_version"],
    }
