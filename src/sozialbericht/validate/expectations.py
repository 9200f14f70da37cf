"""Great Expectations suites as code, and running them.

A suite is a ``Check``: a name, the frame it validates and its expectations. Built here: the base
suite of a staged table (``base_expectations``: columns, types, official markers, counts ≥ 0,
rates 0–100, unique keys, every Kreis of the report year), the expectations on a rule frame
(``rule_expectations``: every rule holds, by severity) and those on one table of a district's
frame of tables (``district_table_expectations``); ``suites`` assembles them per dataset.
``run_checks`` runs every suite as a validation definition (Data Docs HTML on request) and
collects the German lines of ``messages``.

Great Expectations is imported inside the functions: a job that never validates does not pay for
it, and ``without_sql_backends`` must run before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialbericht.core.tidy import KENNUNG, MARKERS, TIDY_COLUMNS
from sozialbericht.validate.messages import describe

ALLOWED_FLAGS = ["", *MARKERS]
COUNT_UNITS = ["Anzahl"]
PERCENT_UNITS = ["Prozent", "%"]
#: What the expectations of a plausibility frame read.
RULE_CHECK_COLUMNS = ("ok", "schwere")
COVERAGE = {"report_year": ("year=={y}", "für {y}"), "up_to_report_year": ("year<={y}", "bis {y}"), "any": ("year>0", "")}


@dataclass(frozen=True)
class Requirement:
    """Kreise whose data must be present in a dataset (how: ``coverage`` in config/datasets.yaml)."""

    kreise: tuple
    year: int
    label: str = "jedes Kreises des Berichtsjahres"


@dataclass
class Check:
    """One suite: its name, the frame it validates, its expectations and the files it reads."""

    name: str
    frame: pd.DataFrame
    expectations: list
    files: dict | None = None
    #: the only columns the expectations read (GX is given just these; messages use every column)
    columns: tuple[str, ...] | None = None


# --- building suites --------------------------------------------------------------------------------
def base_expectations(spec: dict, requirements: list[Requirement], key: tuple[str, ...] = (), data_keys: tuple[str, ...] = ()):
    """The base suite of a tidy dataset as a list of GX expectations (``key``: further columns
    of a frame that holds several tables, e.g. the table's name, part of every row's identity;
    ``data_keys``: key columns of the data after the tidy columns, tidy.KEY_COLUMNS)."""
    return [*_table_expectations(key, data_keys), *_coverage_expectations(spec, requirements)]


def _table_expectations(key: tuple[str, ...], data_keys: tuple[str, ...]) -> list:
    """Columns, area keys, reference dates, official markers, numbers, counts ≥ 0, rates 0–100
    and one row per key."""
    import great_expectations as gx

    E = gx.expectations
    return [
        E.ExpectTableColumnsToMatchOrderedList(
            column_list=[*TIDY_COLUMNS, *data_keys, "year", "kreis", *key],
            meta={"column": "(alle)", "expected": f"die Spalten {', '.join([*TIDY_COLUMNS, *data_keys])}"},
        ),
        E.ExpectColumnValuesToNotBeNull(
            column="area_id", meta={"column": "Regionalschlüssel", "expected": "einen Regionalschlüssel in jeder Zeile"}
        ),
        E.ExpectColumnValuesToMatchRegex(
            column="area_id",
            regex=r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$",
            meta={
                "column": "Regionalschlüssel",
                "expected": "DG oder einen amtlichen Schlüssel mit 2, 3, 5, 8, 9 oder 12 Ziffern",
            },
        ),
        E.ExpectColumnValuesToMatchRegex(
            column="period",
            regex=r"^\d{4}(?:-\d{2}-\d{2})?$",
            meta={"column": "Stichtag", "expected": "ein Jahr JJJJ oder ein Datum JJJJ-MM-TT"},
        ),
        E.ExpectColumnValuesToBeInSet(
            column="flag",
            value_set=ALLOWED_FLAGS,
            meta={"column": "Zeichen", "expected": "ein amtliches Zeichen: - . x / ... p r (oder keines)"},
        ),
        E.ExpectColumnValuesToBeOfType(column="value", type_="float64", meta={"column": "Wert", "expected": "Zahlen"}),
        E.ExpectColumnValuesToNotBeNull(
            column="value",
            row_condition='flag==""',
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "eine Zahl, wo kein Zeichen steht"},
        ),
        E.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=0,
            row_condition=f"unit in {COUNT_UNITS!r}",
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "eine Anzahl ≥ 0"},
        ),
        E.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=0,
            max_value=100,
            row_condition=f"unit in {PERCENT_UNITS!r}",
            condition_parser="pandas",
            meta={"column": "Wert", "expected": "einen Prozentwert zwischen 0 und 100"},
        ),
        E.ExpectCompoundColumnsToBeUnique(
            column_list=[*key, "area_id", "period", "variable", *data_keys],
            meta={
                "column": "Gebiet, Stichtag, Merkmal" + (", Träger, Beratungsfeld" if data_keys else ""),
                "expected": "einen Wert je Gebiet, Stichtag und Merkmal"
                + (" (und je Träger und Beratungsfeld)" if data_keys else "")
                + " (keine doppelten Zeilen)",
            },
        ),
    ]


def _coverage_expectations(spec: dict, requirements: list[Requirement]) -> list:
    """Every Kreis of each requirement has data in the report year (or in the years up to it),
    where the dataset's ``coverage`` asks for it."""
    import great_expectations as gx

    E = gx.expectations
    exps = []
    for req in requirements if spec.get("coverage") in ("report_year", "up_to_report_year") else []:
        cond, when = (text.format(y=req.year) for text in COVERAGE[spec["coverage"]])
        exps.append(
            E.ExpectColumnDistinctValuesToContainSet(
                column="kreis",
                value_set=list(req.kreise),
                row_condition=cond,
                condition_parser="pandas",
                meta={
                    "column": "Regionalschlüssel",
                    "completeness": True,
                    "value_set": list(req.kreise),
                    "year": req.year,
                    "coverage": spec["coverage"],
                    "expected": f"Daten {req.label} {when}",
                },
            )
        )
    return exps


def final_values_expectation(year: int):
    """A warning where a value of the report year is provisional (p) or revised (r)."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    return gx.expectations.ExpectColumnValuesToBeInSet(
        column="flag",
        value_set=["", "-", ".", "x", "/", "..."],
        severity=FailureSeverity.WARNING,
        row_condition=f"year=={year}",
        condition_parser="pandas",
        meta={
            "column": "Zeichen",
            "expected": "endgültige Werte (p = vorläufige und r = berichtigte Werte werden mit ihrem Zeichen gezeigt)",
        },
    )


def rule_expectations():
    """The expectations on a plausibility frame: every rule holds, by severity (they read
    RULE_CHECK_COLUMNS only)."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    E = gx.expectations
    return [
        E.ExpectColumnValuesToBeInSet(
            column="ok", value_set=[True], row_condition='schwere=="fehler"', condition_parser="pandas", meta={"rules": True}
        ),
        E.ExpectColumnValuesToBeInSet(
            column="ok",
            value_set=[True],
            row_condition='schwere=="hinweis"',
            condition_parser="pandas",
            severity=FailureSeverity.WARNING,
            meta={"rules": True},
        ),
    ]


def district_table_expectations(
    name: str, spec: dict, keys: list[str], gemeinden: list[str], year: int, district: str, fields: list[str] | None
) -> list:
    """The expectations on one table (``name``) of a district's frame of tables: its key columns,
    Gemeinde keys of the district only, data for the report year and (``complete``, the default)
    every Gemeinde of the report year."""
    import great_expectations as gx

    E = gx.expectations
    table = {"tabelle": name, "source": spec["file"]}
    exps = _key_expectations(E, name, table, keys, fields)
    exps.append(
        E.ExpectColumnValuesToBeInSet(
            column="area_id",
            value_set=gemeinden,
            row_condition=f'tabelle=="{name}"',
            condition_parser="pandas",
            meta={
                **table,
                "column": spec["area"],
                "expected": f"eine Gemeinde des Kreises „{district}“ (zwölfstelliger ARS)",
            },
        )
    )
    exps.append(
        E.ExpectColumnDistinctValuesToContainSet(
            column="year",
            value_set=[year],
            row_condition=f'tabelle=="{name}"',
            condition_parser="pandas",
            meta={**table, "column": spec["period"], "expected": f"Daten für das Berichtsjahr {year}"},
        )
    )
    if spec.get("complete", True):
        exps.append(
            E.ExpectColumnDistinctValuesToContainSet(
                column="area_id",
                value_set=gemeinden,
                row_condition=f'tabelle=="{name}" and year=={year}',
                condition_parser="pandas",
                meta={
                    **table,
                    "column": spec["area"],
                    "completeness": True,
                    "gemeinden": gemeinden,
                    "year": year,
                    "expected": f"jede Gemeinde des Kreises für {year}",
                },
            )
        )
    return exps


def _key_expectations(E, name: str, table: dict, keys: list[str], fields: list[str] | None) -> list:
    """The key columns of one table: the provider's Kennung (tidy.KENNUNG) and a counselling field
    of the standard (any non-empty name where no standard is configured)."""
    out = []
    condition = {"row_condition": f'tabelle=="{name}"', "condition_parser": "pandas"}
    if "traeger" in keys:
        out.append(
            E.ExpectColumnValuesToMatchRegex(
                column="traeger",
                regex=f"^{KENNUNG}$",
                **condition,
                meta={**table, "column": "Träger", "expected": "die Kennung des Trägers (Kleinbuchstaben, Ziffern und „-“)"},
            )
        )
    if "beratungsfeld" in keys:
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="beratungsfeld",
                value_set=list(fields),
                **condition,
                meta={**table, "column": "Beratungsfeld", "expected": "eines der Beratungsfelder: " + ", ".join(fields)},
            )
            if fields
            else E.ExpectColumnValueLengthsToBeBetween(
                column="beratungsfeld",
                min_value=1,
                **condition,
                meta={**table, "column": "Beratungsfeld", "expected": "ein Beratungsfeld in jeder Zeile"},
            )
        )
    return out


# --- running suites ---------------------------------------------------------------------------------
def without_sql_backends() -> None:
    """For a job process that validates pandas frames only: GX's SQL support is optional (the
    ``great_expectations[sql]`` extra), but GX loads it whenever SQLAlchemy is importable, and
    SQLAlchemy is installed here as a dependency of Snakemake. Blocking it before GX is imported
    saves a quarter of a CPU-second per job. Not for a process that needs SQLAlchemy itself (a
    test session that runs Snakemake's API in-process); the rule scripts call it first."""
    import sys

    if "great_expectations" not in sys.modules:
        sys.modules.setdefault("sqlalchemy", None)


def run_checks(checks: Iterable[Check], docs_dir: str | None = None, files: dict | None = None) -> dict:
    """Run every suite (a Great Expectations validation definition per suite; Data Docs HTML into
    ``docs_dir``).

    Returns ``{"suites": {...}, "errors": [...], "warnings": [...]}`` with one readable line
    each; ``files`` maps file names to the paths a message names."""
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("staged")
    report = {"suites": {}, "errors": [], "warnings": [], "docs": str(docs_dir) if docs_dir else ""}
    for check in checks:
        report["suites"][check.name] = _run_suite(context, source, check, report, files or {})
        del check  # not held while ``checks`` builds the next suite's frame (the directory's is 300 000 rows)
    if docs_dir:  # once for all suites (an UpdateDataDocsAction per checkpoint rebuilds the site each time)
        context.build_data_docs(site_names=["sozialbericht"])
    return report


def _context(docs_dir: str | None):
    """An ephemeral GX context without progress bars, with a Data Docs site in ``docs_dir``."""
    import logging

    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir:
        context.add_data_docs_site(
            site_name="sozialbericht",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())},
            },
        )
    return context


def _run_suite(context, source, check: Check, report: dict, files: dict) -> dict:
    """Run one suite; its failures go to ``report["errors"]`` / ``report["warnings"]`` as German
    lines. Returns its counts (rows, expectations, errors, warnings)."""
    import great_expectations as gx

    frame = check.frame if isinstance(check.frame.index, pd.RangeIndex) else check.frame.reset_index(drop=True)
    batch = source.add_dataframe_asset(check.name).add_batch_definition_whole_dataframe("all")
    # the suite is stored once with all its expectations (adding them one by one to a stored
    # suite writes the whole suite back to the store after each)
    suite = context.suites.add(gx.ExpectationSuite(name=check.name, expectations=list(check.expectations)))
    vd = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=check.name))
    # run directly, not through a checkpoint: the result is stored for the Data Docs all the
    # same, without a checkpoint's round trips through its stores (a third of the time)
    results = vd.run(
        batch_parameters={"dataframe": frame[list(check.columns)] if check.columns else frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": []},
    ).results
    counts = {"rows": int(len(frame)), "expectations": len(results), "errors": 0, "warnings": 0}
    for r in results:
        if r.success:
            continue
        severity = getattr(r.expectation_config, "severity", None)
        target = "warnings" if str(getattr(severity, "value", severity)).lower() == "warning" else "errors"
        counts[target] += 1
        report[target].extend(describe(r, frame, check.name, files))
    # GX keeps every batch's data in its execution engine until the context is gone: release
    # it, so that only one suite's frame is held at a time (the directory's is 300 000 rows)
    engine = source.get_execution_engine().batch_manager
    engine.batch_data_cache.clear()
    engine.reset_batch_cache()
    return counts
