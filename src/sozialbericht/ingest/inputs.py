"""Which raw files a run reads, and which of them are missing (checked before any job runs)."""

from __future__ import annotations

from pathlib import Path


def district_raw_files(district: dict, templates: dict, raw: Path) -> list[str]:
    """The district's own small-area files: one per template file name; for the counselling data
    the providers' workbooks of the data standard (config/beratung.yaml) where delivered, with the
    aggregate workbook only if it exists beside them; the participants' weighting workbooks."""
    from sozialbericht.ingest.counselling.providers import provider_files
    from sozialbericht.ingest.participation import workbooks

    folder = raw / district["small_area_data"]["folder"]
    providers = provider_files(folder)
    files = {str(p) for p in providers} | {str(p) for p in workbooks(folder)}
    for spec in templates.values():
        if not (spec.get("standard") and providers and not (folder / spec["file"]).exists()):
            files.add(str(folder / spec["file"]))
    return sorted(files)


def missing_inputs(project, raw: Path) -> list[str]:
    """Every raw input of the selected districts that does not exist, with what it is."""
    missing = []
    for name, spec in sorted(project.datasets.items()):
        for f in spec["files"]:
            parts = (
                [raw / f] if spec["format"] != "vg5000" else [(raw / f).with_suffix(x) for x in (".shp", ".shx", ".dbf", ".prj")]
            )
            missing += [f"{p} (Datensatz {name}, {spec['table']})" for p in parts if not p.exists()]
    for did, d in project.districts.items():
        if "small_area_data" not in d:
            continue
        for f in district_raw_files(d, project.district_inputs, raw):
            if not Path(f).exists():
                missing.append(f"{f} (kleinräumige Daten des Kreises {did}; Vorlage in data/raw/README.md)")
    return missing
