"""District-owned small-area data: read every template, validate, stage (one job per district).

A district's files are read and validated together, so that a bad file of one district stops
only that district's report; the national steps and the other districts are not affected. Data
that do not pass are not staged: the job records the reason in its summary and ends normally,
and the report job of the district's batch fails this district with that reason while it
publishes the others (so a district with own data can share a batch, and its kernel, with
others).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError, RecordedFailure, ValidationFailed
from sozialbericht.core.files import read_tidy, write_tidy
from sozialbericht.ingest.counselling.providers import FOLDER as PROVIDER_FOLDER
from sozialbericht.ingest.counselling.providers import read_providers, unread_files
from sozialbericht.ingest.counselling.summary import summary as provider_summary
from sozialbericht.ingest.counselling.tables import kennung_column, staged_tables
from sozialbericht.ingest.participation import FOLDER as PARTICIPATION_FOLDER
from sozialbericht.ingest.participation import read_participants
from sozialbericht.ingest.templates import read_district_table
from sozialbericht.validate.expectations import run_checks
from sozialbericht.validate.suites import district_checks


def current_gemeinden(directory: pd.DataFrame, kreis: str) -> dict[str, str]:
    """ARS → name of the district's Gemeinden on the newest territory of the municipality directory."""
    own = directory[(directory["area_id"].str[:5] == kreis) & (directory["area_level"] == "gemeinde")]
    latest = own[own["period"] == own["period"].max()].drop_duplicates("area_id")
    return dict(zip(latest["area_id"], latest["area_name"]))


def _check_providers_unique(aggregate: pd.DataFrame, standard: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A provider delivers in one form only: the aggregate workbook may not repeat a provider of
    the data standard (its cases would be counted twice). The standard's providers are keyed by
    their Kennung, the aggregate's name too once it is staged (``counselling.tables.kennung_column``):
    compared in the column ``traeger``."""
    twice = sorted(set(aggregate["traeger"]) & set(standard["traeger"])) if len(aggregate) and len(standard) else []
    if twice:
        raise InputError(
            path,
            "Träger doppelt geliefert: in der Sammeldatei und als eigene Datei nach dem Beratungsdatenstandard",
            found=twice,
            expected="jeden Träger nur in einer der beiden Formen",
            hint=f"die Zeilen dieser Träger aus {path.name} löschen",
        )
    return aggregate


def gemeinde_population(directory: pd.DataFrame, gemeinden: dict[str, str]) -> dict[str, float]:
    """ARS → inhabitants of the district's Gemeinden (newest date of the municipality directory)."""
    pop = directory[(directory["variable"] == "bevoelkerung") & directory["area_id"].isin(gemeinden)]
    latest = pop[pop["period"] == pop["period"].max()].drop_duplicates("area_id")
    return dict(zip(latest["area_id"], latest["value"]))


def official_totals(kreis: str, year: int, population: pd.DataFrame, unemployment: pd.DataFrame) -> dict:
    """Official Kreis totals that the district's own sums are compared with (warning if they differ)."""
    pop = population[(population["area_id"] == kreis) & (population["period"] == f"{year}-12-31")]["value"].sum()
    al = unemployment[
        (unemployment["area_id"] == kreis) & (unemployment["period"] == str(year)) & (unemployment["variable"] == "arbeitslose")
    ]["value"].sum()
    totals = {}
    if pop:
        totals["bevoelkerung_gemeinden"] = (float(pop), "anzahl")
    if al:
        totals["arbeitslose_gemeinden"] = (float(al), "arbeitslose")
    return totals


def _read_tables(specs: dict, folder: Path, from_providers: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table of the district's templates. A table of the counselling standard comes from
    the providers' workbooks (``from_providers``) where there are any, together with the aggregate
    workbook if that exists too; either way its providers are keyed by their Kennung."""
    tables = {}
    for name, spec in sorted(specs.items()):
        if spec.get("standard") and from_providers:
            parts = [from_providers[name]]
            if (folder / spec["file"]).exists():
                aggregate = kennung_column(read_district_table(folder / spec["file"], name, spec))
                parts.append(_check_providers_unique(aggregate, parts[0], folder / spec["file"]))
            tables[name] = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
        else:
            tables[name] = read_district_table(folder / spec["file"], name, spec)
            if spec.get("standard"):  # the aggregate workbook alone: keyed by Kennung all the same
                tables[name] = kennung_column(tables[name])
    return tables


def stage_district(
    district: dict,
    year: int,
    specs: dict,
    folder: Path,
    directory: pd.DataFrame,
    population: pd.DataFrame,
    unemployment: pd.DataFrame,
    out_dir: Path,
    docs_dir: Path | None,
    plausibility: dict | None = None,
    standard: dict | None = None,
    limits: dict | None = None,
    candidates: list[str] | None = None,
) -> dict:
    """Read and validate every template of one district; write the staged tables only if all pass.

    The counselling tables come from the providers' workbooks of the data standard where the
    district folder has them (``standard``: config/beratung.yaml; see ingest/counselling/), combined
    with the aggregate workbook if that exists too. A provider whose workbook has problems is left
    out with a warning (the report's data-quality annex and the provider's receipt say why), or
    stops the district with ``beratung_vollstaendig: true``. ``limits`` bound the work of reading
    a workbook (config/config.yaml ``arbeitsmappen``; ingest/xlsx.py).

    The participants' weighting workbooks (``beteiligung/``; ingest/participation.py) are read
    against ``candidates``, the indicators of the social index: a workbook with problems leaves
    out only its participant (a warning names it and its first problem)."""
    names = current_gemeinden(directory, district["kreis"])
    inhabitants = gemeinde_population(directory, names)
    providers = read_providers(folder, standard, names, year, inhabitants, limits) if standard else []
    unread = unread_files(folder) if standard else []
    tables = _read_tables(specs, folder, staged_tables(providers, year, names) if providers else {})
    tables = {name: df.assign(area_name=df["area_id"].map(names).fillna("")) for name, df in tables.items()}
    refused = [p for p in providers if p["status"] != "ok" and p["jahr"] in (year, None)]
    if refused and district.get("beratung_vollstaendig"):
        raise ValidationFailed(
            f"Beratungsdaten der Träger ({folder / PROVIDER_FOLDER}; beratung_vollstaendig: true)",
            [f"{p['name']} ({p['datei']}): {problem}" for p in refused for problem in p["fehler"]],
        )
    checks = district_checks(
        tables,
        specs,
        plausibility or {},
        sorted(names),
        year,
        district["id"],
        official_totals(district["kreis"], year, population, unemployment),
        (standard or {}).get("beratungsfelder"),
    )
    files = {spec["file"]: str(folder / spec["file"]) for spec in specs.values()}
    report = run_checks(checks, str(docs_dir) if docs_dir else None, files)
    if unread:
        report["warnings"].append(
            f"Im Ordner der Träger ({folder / PROVIDER_FOLDER}) nicht gelesen: {', '.join(unread)} – gelesen werden "
            "nur Arbeitsmappen im Format .xlsx (Dateiendung klein geschrieben); Dateien mit Makros (.xlsm), CSV und "
            "andere Formate bitte als .xlsx nach der Vorlage speichern lassen"
        )
    if providers:
        report["beratung"] = provider_summary(providers, standard, year, unread)
        report["warnings"] += [
            f"Beratungsdaten von „{p['name']}“ ({p['datei']}) nicht berücksichtigt: {len(p['fehler'])} Problem(e) in der Datei, "
            f"zuerst {p['fehler'][0]}"
            for p in refused
        ]
    participants = read_participants(folder, candidates or [], limits)
    if participants:
        report["beteiligung"] = _participation_summary(participants)
        report["warnings"] += [
            f"Gewichtung von „{p['name'] or p['datei']}“ ({p['datei']}) nicht berücksichtigt: {len(p['fehler'])} Problem(e) "
            f"in der Datei, zuerst {p['fehler'][0]}"
            for p in participants
            if p["status"] != "ok"
        ]
    if report["errors"]:
        raise ValidationFailed(f"Kleinräumige Daten des Kreises „{district['id']}“ ({folder})", report["errors"])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_tidy(df, out_dir / f"{name}.csv")
    if participants:
        (out_dir / f"{PARTICIPATION_FOLDER}.json").write_text(
            json.dumps(participants, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return report


def _participation_summary(participants: list[dict]) -> dict:
    """What the data-quality annex says about the weighting workbooks."""
    return {
        "gelesen": len(participants),
        "beruecksichtigt": sum(p["status"] == "ok" for p in participants),
        "teilnehmer": [{k: p[k] for k in ("datei", "kennung", "name", "rolle", "status", "fehler")} for p in participants],
    }


def ingest(
    district: dict,
    year: int,
    specs: dict,
    folder: Path,
    directory: Path,
    population: Path,
    unemployment: Path,
    out_dir: Path,
    docs_dir: Path,
    summary: Path,
    plausibility: dict | None,
    standard: dict | None,
    log: logging.Logger,
    limits: dict | None = None,
    candidates: list[str] | None = None,
) -> dict:
    """The job of one district's own data: stage it, or record why it was refused.

    Always writes ``summary`` (JSON), ``out_dir`` (the staged tables, empty if refused) and
    ``docs_dir`` (the Data Docs, empty if the files could not be read)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    try:
        report = stage_district(
            district,
            year,
            specs,
            folder,
            read_tidy(directory),
            read_tidy(population),
            read_tidy(unemployment),
            out_dir,
            docs_dir,
            plausibility,
            standard,
            limits,
            candidates,
        )
    except (InputError, ValidationFailed) as err:
        report = {RecordedFailure.KEY: str(err), "errors": [str(err)], "warnings": [], "suites": {}, "docs": str(docs_dir)}
        log.warning(
            "Kleinräumige Daten nicht übernommen – der Bericht von %s wird nicht veröffentlicht:\n%s", district["id"], err
        )
    else:
        for warning in report["warnings"]:
            log.warning("%s", warning)
        log.info("%s: %d Tabellen geprüft und übernommen, %d Hinweis(e)", district["id"], len(specs), len(report["warnings"]))
    summary.write_text(json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return report
