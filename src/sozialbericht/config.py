"""Loading and checking the configuration: main config, district configs, datasets, catalogue.

Everything is checked against the JSON Schemas in ``config/schemas`` before any job runs; a wrong
value fails at once with the file and the key named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from sozialbericht.errors import InputError

SCHEMA_DIR = Path("config/schemas")


def load_yaml(path: str | Path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "configuration file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, "configuration file is not UTF-8 text", where=f"byte {exc.start}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}", where=where) from None


def check_schema(data, schema_file: str | Path, path: str | Path) -> None:
    """Raise InputError for the first schema violation, naming the key path and what is allowed."""
    schema = load_yaml(schema_file)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        err = errors[0]
        key = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        allowed = err.schema.get("enum") or err.schema.get("pattern") or err.schema.get("type") or err.validator
        raise InputError(path, f"invalid configuration value: {err.message}", where=f"key '{key}'",
                         found=err.instance if not isinstance(err.instance, (dict, list)) else None,
                         expected=f"{err.validator} {allowed!r}", hint=f"see config/README.md, schema {Path(schema_file).name}")


@dataclass(frozen=True)
class Project:
    """The checked configuration of one run."""

    config: dict
    datasets: dict
    district_inputs: dict
    catalogue: list
    districts: dict

    @property
    def year(self) -> int:
        return int(self.config["year"])

    def raw_path(self, relative: str) -> Path:
        return Path(self.config["paths"]["raw"]) / relative


def load_district(district_id: str, root: Path = Path(".")) -> dict:
    path = root / "config" / "districts" / f"{district_id}.yaml"
    data = load_yaml(path)
    check_schema(data, root / SCHEMA_DIR / "district.schema.yaml", path)
    if data["id"] != district_id:
        raise InputError(path, "the district id does not match the file name", where="key 'id'", found=data["id"],
                         expected=f"'{district_id}' (the file name without .yaml)")
    first, last = data["gemeinde_years"]
    if first >= last:
        raise InputError(path, "gemeinde_years must be increasing", where="key 'gemeinde_years'", found=data["gemeinde_years"],
                         expected="[first year, last year] with first < last")
    return data


def load_project(config: dict, root: Path = Path(".")) -> Project:
    """Check the main config and load every file it refers to."""
    check_schema(config, root / SCHEMA_DIR / "config.schema.yaml", "config/config.yaml")
    datasets = load_yaml(root / config["datasets"])
    check_schema(datasets, root / SCHEMA_DIR / "datasets.schema.yaml", config["datasets"])
    district_inputs = load_yaml(root / config["district_inputs"])
    check_schema(district_inputs, root / SCHEMA_DIR / "district_inputs.schema.yaml", config["district_inputs"])
    catalogue = load_yaml(root / config["indicators"])
    check_schema(catalogue, root / SCHEMA_DIR / "indicators.schema.yaml", config["indicators"])
    seen = set()
    for i, ind in enumerate(catalogue):
        if ind["id"] in seen:
            raise InputError(config["indicators"], "duplicate indicator id", where=f"entry {i + 1}", found=ind["id"],
                             expected="each id once")
        seen.add(ind["id"])
        known = sorted({*datasets, *district_inputs})
        for part in ("numerator", "denominator", "subtract"):  # model indicators have none
            if part in ind and ind[part]["dataset"] not in known:
                raise InputError(config["indicators"], "unknown dataset", where=f"indicator '{ind['id']}', key '{part}.dataset'",
                                 found=ind[part]["dataset"], expected=f"one of {known}")
    districts = {d: load_district(d, root) for d in config["districts"]}
    for d in districts.values():
        if d["base_year"] >= config["year"]:
            raise InputError(f"config/districts/{d['id']}.yaml", "base_year must lie before the report year",
                             where="key 'base_year'", found=d["base_year"], expected=f"a year before {config['year']}")
    return Project(config=config, datasets=datasets, district_inputs=district_inputs, catalogue=catalogue,
                   districts=districts)


def check_district_keys(project: Project) -> None:
    """Every district's Kreisschlüssel must exist in the national boundaries (VG5000 Kreise)."""
    import shapefile

    layer = next((project.raw_path(f) for spec in project.datasets.values() if spec["format"] == "vg5000"
                  for f in spec["files"] if Path(f).stem.upper().endswith("KRS")), None)
    if layer is None or not Path(layer).with_suffix(".dbf").exists():
        return  # the ingest step reports the missing boundary file itself
    with shapefile.Reader(str(Path(layer).with_suffix(".dbf")), encoding="utf-8") as reader:
        kreise = {str(rec["ARS"]) for rec in reader.iterRecords(fields=["ARS"])}
    for d in project.districts.values():
        if d["kreis"] not in kreise:
            raise InputError(f"config/districts/{d['id']}.yaml", "unknown Kreisschlüssel", where="key 'kreis'",
                             found=d["kreis"], expected=f"one of the {len(kreise)} Kreise in {Path(layer).name}, e.g. 15085 (Harz)",
                             hint="the key is the 5-digit Kreisschlüssel of the Regionalstatistik")
