"""The suites of each validation: one per national dataset, one for a district's own tables, and
the entry points the rule scripts and ``ingest`` call.

National (``validate_staged``): per staged table its base suite (every Kreis of the report year,
no gaps in its series) and a suite of its plausibility rules; an error stops the run with every
message (``ValidationFailed``). District (``district_checks``): one suite with every small-area
table and one with the rules of every table; ``ingest`` runs them and records what failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from sozialbericht.core.errors import InputError, ValidationFailed
from sozialbericht.core.tidy import KEY_COLUMNS, TIDY_COLUMNS
from sozialbericht.validate.completeness import (
    completeness_rules,
    directory_coverage_rules,
    gap_rules,
    variable_completeness_rules,
)
from sozialbericht.validate.expectations import (
    RULE_CHECK_COLUMNS,
    Check,
    Requirement,
    base_expectations,
    district_table_expectations,
    final_values_expectation,
    rule_expectations,
    run_checks,
)
from sozialbericht.validate.frames import validation_frame
from sozialbericht.validate.rules import (
    agreement_rules,
    change_rules,
    hierarchy_rules,
    kreis_total_rule,
    name_rules,
    parts_rules,
    range_rules,
    sum_rules,
    upper_bound_rules,
)


# --- national -----------------------------------------------------------------------------------------
def validate_staged(
    tables: dict[str, pd.DataFrame], datasets: dict, plausibility: dict, year: int, raw: str | Path, docs_dir: str | None = None
) -> dict:
    """The national validation of one report year: the Kreise of the report year (population
    table) must be complete; territorial changes between GV-ISys directories are exempt from the
    change rules of the Gemeinden."""
    kreise = _report_kreise(tables["bevoelkerung_alter"], year)
    exempt, kreis_maps = set(), {}
    if "gemeindeverzeichnis" in tables:
        exempt, kreis_maps = _territorial_exemptions(tables["gemeindeverzeichnis"])
    return validate_tables(
        tables, datasets, plausibility.get("national", {}), year, kreise, docs_dir, raw_files(datasets, raw), exempt, kreis_maps
    )


def _report_kreise(pop: pd.DataFrame, year: int) -> list[str]:
    """The Kreise with a population at the end of the report year; stops when there are none."""
    kreise = sorted(
        pop[(pop["period"].str[:4].astype(int) == year) & (pop["area_id"].str.len() == 5) & pop["value"].notna()][
            "area_id"
        ].unique()
    )
    if not kreise:  # every other rule of the year would hold for no Kreis at all
        raise InputError(
            str(pop["source"].iloc[0]) if "source" in pop and len(pop) else "12411-0018",
            f"die Tabelle enthält keine Kreiswerte für das Berichtsjahr {year} (Stichtag 31.12.{year})",
            expected=f"die Bevölkerung jedes Kreises am 31.12.{year}",
            hint="die Tabelle 12411-0018 mit dem Stichtag des Berichtsjahres herunterladen (siehe data/raw/README.md) "
            "oder in config/config.yaml ein Berichtsjahr wählen, für das Daten vorliegen",
        )
    return kreise


def _territorial_exemptions(directory: pd.DataFrame) -> tuple[set[tuple[str, str]], dict]:
    """(area, year) pairs whose jumps a territorial change explains, and the Kreis reforms per
    directory pair (territory.derive_changes)."""
    from sozialbericht.core.territory import derive_changes

    exempt = set()
    changes, kreis_maps = derive_changes(directory)
    # a territorial change explains a jump: the Gemeinden concerned, and the Kreise whose
    # territory changed (a Kreis reform moves whole Gemeinden between Kreis keys), in every
    # year between the two directories
    moved = changes[changes["to_ars"] != ""]
    for a, b, p0, p1 in zip(moved["from_ars"], moved["to_ars"], moved["period_from"], moved["period_to"]):
        years = range(int(p0[:4]) + 1, int(p1[:4]) + 1)
        exempt |= {(a, str(y)) for y in years} | {(b, str(y)) for y in years}
        if a[:5] != b[:5]:
            exempt |= {(a[:5], str(y)) for y in years} | {(b[:5], str(y)) for y in years}
    return exempt, kreis_maps


def raw_files(datasets: dict, raw: str | Path) -> dict[str, str]:
    """File name → path (as the planner sees it) of every national file."""
    return {Path(f).name: str(Path(raw) / f) for spec in datasets.values() for f in spec["files"]}


def validate_tables(
    tables: dict[str, pd.DataFrame],
    datasets: dict,
    plausibility: dict,
    year: int,
    kreise: list[str],
    docs_dir: str | None = None,
    files: dict | None = None,
    exempt: set | None = None,
    kreis_maps: dict | None = None,
) -> dict:
    """Validate the staged national tables; raise ValidationFailed listing every error, else return
    the summary (suites and warnings)."""
    report = run_checks(national_checks(tables, datasets, plausibility, year, kreise, exempt, kreis_maps), docs_dir, files)
    if report["errors"]:
        raise ValidationFailed("Bundesweite Daten", report["errors"])
    return report


def national_checks(
    tables: dict[str, pd.DataFrame],
    datasets: dict,
    plausibility: dict,
    year: int,
    kreise: list[str],
    exempt: set | None = None,
    kreis_maps: dict | None = None,
) -> Iterator[Check]:
    """The suites of the staged national tables: base suite, completeness, sums, plausibility
    (``kreis_maps``: the Kreis reforms between GV-ISys directories, see territory.derive_changes).
    A generator: each suite's frame is built when it is run, not all of them before the first."""
    requirement = [Requirement(tuple(kreise), year)]
    for name, df in sorted(tables.items(), key=lambda t: (-len(t[1]), t[0])):
        spec = datasets[name]
        frame = validation_frame(df)
        exps = base_expectations(spec, requirement)
        if spec.get("coverage") in ("report_year", "up_to_report_year"):
            exps.append(final_values_expectation(year))
        yield Check(name, frame, exps)
        del frame  # not held while the rule frames are built (the directory's is 300 000 rows)
        frames = _national_rules(df, spec, plausibility.get(name, {}), tables, year, kreise, exempt, kreis_maps)
        if frames:
            yield Check(
                f"{name}_plausibilitaet", pd.concat(frames, ignore_index=True), rule_expectations(), columns=RULE_CHECK_COLUMNS
            )


def _national_rules(
    df: pd.DataFrame,
    spec: dict,
    cfg: dict,
    tables: dict[str, pd.DataFrame],
    year: int,
    kreise: list[str],
    exempt: set | None,
    kreis_maps: dict | None,
) -> list[pd.DataFrame]:
    """The rule frames of one national table (``cfg``: its entry of config/plausibility.yaml);
    rules without rows are left out."""
    frames = []
    for rule in spec.get("sums", []):
        frames += sum_rules(df, rule)
    frames += parts_rules(df, cfg.get("teile", []))
    frames += range_rules(df, cfg.get("bereiche", {}))
    frames += change_rules(df, cfg.get("veraenderung", []), exempt)
    for hierarchy in cfg.get("hierarchie", []):
        frames += hierarchy_rules(df, hierarchy)
    frames += upper_bound_rules(df, cfg.get("obergrenzen", []), tables)
    frames += agreement_rules(df, cfg.get("vergleich", []), tables)
    if spec.get("coverage") in ("report_year", "up_to_report_year") and spec["format"] == "genesis_csv":
        frames += completeness_rules(df, kreise, year)
    frames += name_rules(df, consistent=spec["format"] != "gvisys")
    if spec["format"] == "gvisys":
        frames += directory_coverage_rules(df, kreis_maps or {})
    if spec["format"] in ("genesis_ffcsv", "gvisys"):
        frames += variable_completeness_rules(df[df["area_level"] == "gemeinde"] if spec["format"] == "gvisys" else df)
    return [f for f in frames if len(f)]


# --- a district's own data ----------------------------------------------------------------------------
def district_checks(
    tables: dict[str, pd.DataFrame],
    specs: dict,
    plausibility: dict,
    gemeinden: list[str],
    year: int,
    district: str,
    kreis_totals: dict[str, tuple[float, str]],
    fields: list[str] | None = None,
) -> list[Check]:
    """The suites of a district's small-area tables: one with every table ("kleinraeumige_daten",
    the table's name in column "tabelle"), one with the rules of every table ("plausibilitaet").

    Errors: the base suite, Gemeinde keys of the district only, every Gemeinde present for the
    report year, the plausibility rules (parts ≤ whole, counts ≤ population, changes); in a table
    with key columns (``key_columns``: the counselling tables) a Kennung in ``traeger`` and one of
    ``fields`` (config/beratung.yaml) in ``beratungsfeld``. Warnings: district sums that differ by
    more than 0.5 % from the official Kreis totals."""
    # one suite for all tables (a GX expectation costs about 10 ms however few its rows: one base
    # suite instead of one per table), the table's name in column "tabelle"; the key columns of the
    # counselling tables are empty in the others
    data_keys = tuple(k for k in KEY_COLUMNS if any(k in df for df in tables.values()))
    order = [*TIDY_COLUMNS, *data_keys, "year", "kreis", "tabelle"]
    data, exps, rules = [], base_expectations({"coverage": "any"}, [], key=("tabelle",), data_keys=data_keys), []
    for name, df in sorted(tables.items()):
        spec = specs[name]
        data.append(validation_frame(df).assign(tabelle=name).reindex(columns=order, fill_value=""))
        keys = [k for k in spec.get("key_columns", []) if k in df]
        exps += district_table_expectations(name, spec, keys, gemeinden, year, district, fields)
        rules += _district_rules(df, spec, plausibility.get(name, {}), tables, gemeinden, year)
        if name in kreis_totals:
            official, variable = kreis_totals[name]
            rules.append(kreis_total_rule(df, district, year, official, variable))
    checks = [Check("kleinraeumige_daten", pd.concat(data, ignore_index=True), exps)] if data else []
    if rules:  # one suite for every rule of every table (a suite costs GX more than its rows)
        checks.append(
            Check("plausibilitaet", pd.concat(rules, ignore_index=True), rule_expectations(), columns=RULE_CHECK_COLUMNS)
        )
    return checks


def _district_rules(
    df: pd.DataFrame, spec: dict, cfg: dict, tables: dict[str, pd.DataFrame], gemeinden: list[str], year: int
) -> list[pd.DataFrame]:
    """The rule frames of one small-area table (``cfg``: its entry of the plausibility
    configuration); rules without rows are left out."""
    frames = gap_rules(df, gemeinden, year) if spec.get("complete", True) else []
    frames += variable_completeness_rules(df) if spec.get("complete", True) and not spec.get("sparse") else []
    frames += parts_rules(df, [{"teil": r["part"], "ganzes": r["whole"]} for r in spec.get("subsets", [])])
    frames += parts_rules(df, cfg.get("teile", []))
    frames += range_rules(df, cfg.get("bereiche", {}))
    frames += change_rules(df, cfg.get("veraenderung", []))
    frames += upper_bound_rules(df, cfg.get("obergrenzen", []), tables)
    return [f for f in frames if len(f)]
