"""``sozialbericht vorlage-beteiligung <id>``: one weighting workbook per participant.

The participants are those of ``beteiligte`` in the district's configuration (default: the
planning office alone); the candidate indicators are those of the social index
(``social_index.status_indicators``) with their name and definition from the catalogue and the
Kreis's value of the report year as the published ``indikatoren.csv`` shows it — only what the
report may publish (disclosure-controlled). The workbooks go to
``data/raw/<folder>/beteiligung/vorlagen/`` (not read as filled workbooks); a participant's
filled workbook goes to ``data/raw/<folder>/beteiligung/``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sozialbericht.core.formatting import date as german_date
from sozialbericht.ingest.participation import FOLDER, write_template

DEFAULT_PARTICIPANTS = [{"kennung": "planung", "name": "Sozialplanung", "rolle": "planung"}]


def published_values(path: Path, kreis: str, year: int) -> dict[str, dict]:
    """indicator id → {wert, stand} of the Kreis in the report year from a published
    ``indikatoren.csv`` (a suppressed value stays empty); empty if there is no such file."""
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["area_id"] == kreis and row["period"][:4] == str(year):
                value = float(row["value"]) if row["value"] not in ("", None) and not row["flag"] else None
                out[row["indicator_id"]] = {"wert": value, "stand": german_date(row["period"])}
    return out


def candidate_rows(catalogue: list[dict], candidates: list[str], values: dict[str, dict]) -> list[dict]:
    """The rows of the workbook: id, name, definition, unit and the published value, rounded as
    the report prints it."""
    by_id = {c["id"]: c for c in catalogue}
    rows = []
    for c in candidates:
        shown = values.get(c, {"wert": None, "stand": ""})
        wert = shown["wert"] if shown["wert"] is None else round(shown["wert"], by_id[c].get("decimals", 1))
        rows.append(
            {
                "kennung": c,
                "name": by_id[c]["name"],
                "definition": by_id[c].get("definition", ""),
                "einheit": by_id[c].get("unit", ""),
                "wert": wert,
                "stand": shown["stand"],
            }
        )
    return rows


def _rows(project, district_id: str, reports: Path) -> list[dict]:
    district, year = project.districts[district_id], project.year
    candidates = project.config["social_index"]["status_indicators"]
    values = published_values(reports / district_id / str(year) / "indikatoren.csv", district["kreis"], year)
    return candidate_rows(project.catalogue, candidates, values)


def _folder(project, district_id: str) -> Path:
    district = project.districts[district_id]
    return project.raw_path(district.get("small_area_data", {}).get("folder", district_id))


def write_templates(project, district_id: str, reports: Path) -> list[Path]:
    """The workbooks of every participant of one district (see the module docstring)."""
    district = project.districts[district_id]
    year = project.year
    rows = _rows(project, district_id, reports)
    folder = _folder(project, district_id) / FOLDER / "vorlagen"
    stamp = f"{year + 1}-01-01T00:00:00Z"
    return [
        write_template(folder / f"{p['kennung']}.xlsx", p, district["name"], year, rows, stamp)
        for p in district.get("beteiligte") or DEFAULT_PARTICIPANTS
    ]


def write_synthetic(project, district_id: str, reports: Path, seed: int = 2020) -> dict[str, Path]:
    """SYNTHETIC filled workbooks of the district's ``beteiligte`` (``sozialbericht beispieldaten``):
    the rows of their templates, points drawn by ``tools.synthetic.participation``; written to
    ``data/raw/<folder>/beteiligung/``. Nothing without ``beteiligte``."""
    from sozialbericht.tools.synthetic import participation

    district = project.districts[district_id]
    if not district.get("beteiligte"):
        return {}
    rows = _rows(project, district_id, reports)
    return participation(
        _folder(project, district_id), district["name"], project.year, rows, seed, participants=district["beteiligte"]
    )
