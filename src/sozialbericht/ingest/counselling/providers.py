"""The providers' folder of a district: which workbooks are read, which are not, and whose data
they are.

A provider is identified by its Kennung and year; when two files claim the same Kennung for the
same year, neither is taken.
"""

from __future__ import annotations

from pathlib import Path

from sozialbericht.ingest.counselling.workbook import read_provider

#: The providers' folder inside a district's folder (data/raw/<folder>/beratung/).
FOLDER = "beratung"


def _is_template(p: Path) -> bool:
    return p.name.startswith(("~$", ".")) or "vorlage" in p.stem.lower()


def provider_files(folder: Path) -> list[Path]:
    """The providers' workbooks of a district folder (Excel lock files and templates are skipped)."""
    d = Path(folder) / FOLDER
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.suffix == ".xlsx" and p.is_file() and not _is_template(p))


def unread_files(folder: Path) -> list[str]:
    """Names of everything else in the providers' folder (``.xlsm``, ``.XLSX``, ``.csv``, folders …):
    not read, so named in the log and the data-quality annex instead of being silently ignored."""
    d = Path(folder) / FOLDER
    if not d.is_dir():
        return []
    read = set(provider_files(folder))
    return sorted(p.name for p in d.iterdir() if p not in read and not (p.suffix == ".xlsx" and _is_template(p)))


def read_providers(
    folder: Path,
    standard: dict,
    gemeinden: dict[str, str],
    year: int,
    population: dict[str, float] | None = None,
    limits: dict | None = None,
) -> list[dict]:
    """Every provider workbook of the district: this year's are checked for the report, last
    year's (if delivered) are kept for the comparison in the receipts.

    A provider is identified by its Kennung and year. Files do not win by their names' order: when
    two or more files claim the same Kennung for the same year, every one of them is refused with
    a message naming all of them (the district learns of it; with ``beratung_vollstaendig: true``
    the run stops)."""
    providers = []
    for path in provider_files(folder):
        p = read_provider(path, standard, gemeinden, population, limits)
        if p["jahr"] not in (year, year - 1) and p["status"] == "ok":
            continue
        providers.append(p)
    claims: dict[tuple, list[str]] = {}
    for p in providers:
        if p["jahr"] is not None:
            claims.setdefault((p["kennung"], p["jahr"]), []).append(p["datei"])
    out = []
    for p in providers:
        files = claims.get((p["kennung"], p["jahr"]), [])
        if len(files) > 1:
            p = {
                **p,
                "status": "fehler",
                "fehler": [
                    f"die Kennung „{p['kennung']}“ für {p['jahr']} beanspruchen {len(files)} Dateien "
                    f"({', '.join(files)}) – keine wird übernommen, bis der Kreis geklärt hat, welche vom Träger stammt; "
                    "je Träger und Jahr nur eine Datei liefern, andere Träger mit einer eigenen Kennung",
                    *(e for e in p["fehler"]),
                ],
            }
        out.append(p)
    return out
