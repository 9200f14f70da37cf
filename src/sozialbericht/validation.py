"""Great Expectations suites for every staged table, and readable reports of what failed.

One suite per dataset, written as code (reviewable in diffs, unit-tested). Each expectation
carries in ``meta`` the column it checks and what is expected in words, so that a failure can be
reported with the file, the line, the area, the column, the value found and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialbericht.errors import ValidationFailed
from sozialbericht.tidy import MARKERS, TIDY_COLUMNS

ALLOWED_FLAGS = ["", *MARKERS]
COUNT_UNITS = ["Anzahl"]
PERCENT_UNITS = ["Prozent", "%"]
STADTSTAAT_LAENDER = ["02", "11"]


@dataclass(frozen=True)
class Requirement:
    """A Kreis whose data must be present in a dataset (how: see ``coverage`` in config/datasets.yaml)."""

    kreise: tuple
    year: int
    label: str = "jeder Kreis des Berichtsjahres"


def _validation_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.copy()
    frame["year"] = frame["period"].str[:4].astype("int64")
    frame["kreis"] = frame["area_id"].where(frame["area_id"].str.len() < 5, frame["area_id"].str[:5])
    # the Stadtstaaten Berlin and Hamburg are a Kreis and a Land at once; many tables list them as Land only
    frame.loc[frame["area_id"].isin(STADTSTAAT_LAENDER), "kreis"] = frame["area_id"] + "000"
    return frame


def sum_frame(df: pd.DataFrame, rules: list[dict]) -> pd.DataFrame:
    """One row per area, period and rule: total, sum of the parts and their difference."""
    out = []
    for rule in rules:
        keep = df[df["variable"].isin([rule["total"], *rule["parts"]])]
        wide = keep.pivot_table(index=["area_id", "period"], columns="variable", values="value", aggfunc="first")
        if rule["total"] not in wide or not all(p in wide for p in rule["parts"]):
            continue
        wide = wide.dropna(subset=[rule["total"], *rule["parts"]])
        part = pd.DataFrame({"area_id": wide.index.get_level_values(0), "period": wide.index.get_level_values(1),
                             "rule": f"{rule['total']} = {' + '.join(rule['parts'])}",
                             "total": wide[rule["total"]].to_numpy(),
                             "parts_sum": wide[rule["parts"]].sum(axis=1).to_numpy()})
        out.append(part)
    if not out:
        return pd.DataFrame(columns=["area_id", "period", "rule", "total", "parts_sum", "difference"])
    res = pd.concat(out, ignore_index=True)
    res["difference"] = res["total"] - res["parts_sum"]
    return res


COVERAGE = {"report_year": ("year=={y}", "for {y}"), "up_to_report_year": ("year<={y}", "up to {y}"),
            "any": ("year>0", "for any year")}


def expectations_for(spec: dict, requirements: list[Requirement]):
    """The suite of a tidy dataset as a list of GX expectations."""
    import great_expectations as gx

    E = gx.expectations
    exps = [
        E.ExpectTableColumnsToMatchOrderedList(column_list=TIDY_COLUMNS + ["year", "kreis"],
                                               meta={"column": "(all)", "expected": f"the columns {', '.join(TIDY_COLUMNS)}"}),
        E.ExpectColumnValuesToNotBeNull(column="area_id", meta={"column": "area_id", "expected": "an area key in every row"}),
        E.ExpectColumnValuesToMatchRegex(column="area_id", regex=r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$",
                                         meta={"column": "area_id", "expected": "DG or an official key of 2, 3, 5, 8, 9 or 12 digits"}),
        E.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}(?:-\d{2}-\d{2})?$",
                                         meta={"column": "period", "expected": "a year YYYY or a date YYYY-MM-DD"}),
        E.ExpectColumnValuesToBeInSet(column="flag", value_set=ALLOWED_FLAGS,
                                      meta={"column": "flag", "expected": "an official marker: - . x / ... p r (or none)"}),
        E.ExpectColumnValuesToBeOfType(column="value", type_="float64", meta={"column": "value", "expected": "numbers"}),
        E.ExpectColumnValuesToNotBeNull(column="value", row_condition='flag==""', condition_parser="pandas",
                                        meta={"column": "value", "expected": "a number wherever no marker is given"}),
        E.ExpectColumnValuesToBeBetween(column="value", min_value=0, row_condition=f"unit in {COUNT_UNITS!r}",
                                        condition_parser="pandas", meta={"column": "value", "expected": "a count ≥ 0"}),
        E.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=100,
                                        row_condition=f"unit in {PERCENT_UNITS!r}", condition_parser="pandas",
                                        meta={"column": "value", "expected": "a percentage between 0 and 100"}),
        E.ExpectCompoundColumnsToBeUnique(column_list=["area_id", "period", "variable"],
                                          meta={"column": "area_id, period, variable",
                                                "expected": "one value per area, reference date and variable (no duplicate rows)"}),
    ]
    for req in requirements if spec["coverage"] != "any" else []:
        cond, when = (text.format(y=req.year) for text in COVERAGE[spec["coverage"]])
        exps.append(E.ExpectColumnDistinctValuesToContainSet(
            column="kreis", value_set=list(req.kreise), row_condition=cond, condition_parser="pandas",
            meta={"column": "area_id", "completeness": True, "value_set": list(req.kreise), "year": req.year,
                  "coverage": spec["coverage"], "expected": f"data of {req.label} {when}"}))
    return exps


def _describe(result, frame: pd.DataFrame, name: str) -> list[str]:
    """Readable lines for one failed expectation: file, line, area, column, value, expectation."""
    meta = result.expectation_config.meta or {}
    column, expected = meta.get("column", "?"), meta.get("expected", result.expectation_config.type)
    idx = result.result.get("unexpected_index_list") or []
    if meta.get("value_set"):
        year_rows = frame[frame["year"] <= meta["year"]] if meta.get("coverage") == "up_to_report_year" else \
            frame[frame["year"] == meta["year"]] if meta.get("coverage") != "any" else frame
        missing = sorted(set(meta["value_set"]) - set(year_rows["area_id"]))
        return [f"{frame['source'].iloc[0] if len(frame) else name}: column '{column}': expected {expected}; "
                f"missing: {', '.join(missing[:20])}"]
    if not idx:
        observed = result.result.get("observed_value")
        found = f"; found {observed}" if observed is not None and not meta.get("completeness") else ""
        return [f"{name}: column '{column}': expected {expected}{found}"]
    lines = []
    for i in idx[:10]:
        i = i if not isinstance(i, dict) else next(iter(i.values()))
        row = frame.loc[i]
        shown = row[column] if column in row.index else row.get("value")
        if isinstance(shown, float) and shown.is_integer():
            shown = int(shown)
        shown = shown.item() if hasattr(shown, "item") else shown
        place = f"line {row.get('row')}, " if row.get("row", 0) else ""
        lines.append(f"{row.get('source', name)}: {place}area {row.get('area_id')} "
                     f"{str(row.get('area_name', '')).strip()}, variable '{row.get('variable', '')}', "
                     f"column '{column}': found {shown!r}, expected {expected}")
    if len(idx) > 10:
        lines.append(f"{name}: … and {len(idx) - 10} more rows with the same problem")
    return lines


@dataclass
class Check:
    """One suite: its name, the frame it validates and its expectations."""

    name: str
    frame: pd.DataFrame
    expectations: list


def national_checks(tables: dict[str, pd.DataFrame], datasets: dict, requirements: list[Requirement]) -> list[Check]:
    """The suites of the staged national tables: base suite, completeness, sums, freshness warnings."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    checks = []
    for name, df in sorted(tables.items()):
        frame = _validation_frame(df)
        exps = expectations_for(datasets[name], requirements)
        for req in requirements:
            if datasets[name]["coverage"] == "up_to_report_year":
                exps.append(gx.expectations.ExpectColumnDistinctValuesToContainSet(
                    column="kreis", value_set=list(req.kreise), row_condition=f"year=={req.year}", condition_parser="pandas",
                    severity=FailureSeverity.WARNING,
                    meta={"column": "period", "completeness": True, "value_set": list(req.kreise), "year": req.year,
                          "expected": f"data of {req.label} for the report year {req.year} (an older reference date is used)"}))
        checks.append(Check(name, frame, exps))
        sums = sum_frame(df, datasets[name].get("sums", []))
        if len(sums):
            checks.append(Check(f"{name}_sums", _with_rows(sums, df), [gx.expectations.ExpectColumnValuesToBeBetween(
                column="difference", min_value=-0.5, max_value=0.5,
                meta={"column": "difference", "expected": "total = sum of its parts (e.g. male + female = total)"})]))
    return checks


def _with_rows(derived: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """Attach source file, line and area name of the first matching source row to a derived frame."""
    first = df.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]]
    out = derived.merge(first, on=["area_id", "period"], how="left")
    out["variable"] = out["rule"]
    return out


def subset_frame(df: pd.DataFrame, rules: list[dict]) -> pd.DataFrame:
    """One row per area, period, dimensions and rule with ``whole - part`` (must not be negative)."""
    out = []
    parts = df["variable"].str.split(" | ", n=1, regex=False)
    base = df.assign(measure=parts.str[0], dims=parts.str[1].fillna(""))
    for rule in rules:
        keep = base[base["measure"].isin([rule["part"], rule["whole"]])]
        wide = keep.pivot_table(index=["area_id", "period", "dims"], columns="measure", values="value", aggfunc="first")
        if rule["part"] not in wide or rule["whole"] not in wide:
            continue
        wide = wide.dropna(subset=[rule["part"], rule["whole"]]).reset_index()
        out.append(pd.DataFrame({"area_id": wide["area_id"], "period": wide["period"],
                                 "rule": f"{rule['part']} ≤ {rule['whole']}" + wide["dims"].map(lambda d: f" ({d})" if d else ""),
                                 "difference": wide[rule["whole"]] - wide[rule["part"]]}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["area_id", "period", "rule", "difference"])


def district_checks(tables: dict[str, pd.DataFrame], specs: dict, gemeinden: list[str], year: int, district: str,
                    kreis_totals: dict[str, tuple[float, str]]) -> list[Check]:
    """The suites of a district's small-area tables.

    Errors: the base suite, Gemeinde keys of the district only, every Gemeinde present for the
    report year, parts not larger than their whole. Warnings: district sums that differ by more
    than 0.5 % from the official Kreis totals (``kreis_totals``: table → (official total, variable))."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    E = gx.expectations
    checks = []
    for name, df in sorted(tables.items()):
        spec = specs[name]
        frame = _validation_frame(df)
        exps = expectations_for({"coverage": "report_year"}, [])
        exps.append(E.ExpectColumnValuesToBeInSet(column="area_id", value_set=gemeinden,
                                                  meta={"column": spec["area"], "expected": f"a Gemeinde of district '{district}' (12-digit ARS)"}))
        exps.append(E.ExpectColumnDistinctValuesToContainSet(column="year", value_set=[year],
                                                             meta={"column": spec["period"], "completeness": True,
                                                                   "expected": f"data for the report year {year}"}))
        if spec.get("complete", True):
            exps.append(E.ExpectColumnDistinctValuesToContainSet(
                column="area_id", value_set=gemeinden, row_condition=f"year=={year}", condition_parser="pandas",
                meta={"column": spec["area"], "completeness": True, "value_set": gemeinden, "year": year,
                      "expected": f"every Gemeinde of district '{district}' for {year}"}))
        checks.append(Check(name, frame, exps))
        subsets = subset_frame(df, spec.get("subsets", []))
        if len(subsets):
            checks.append(Check(f"{name}_subsets", _with_rows(subsets, df), [E.ExpectColumnValuesToBeBetween(
                column="difference", min_value=0,
                meta={"column": "difference", "expected": "a part not larger than its whole (e.g. long-term unemployed ≤ unemployed)"})]))
        if name in kreis_totals:
            official, variable = kreis_totals[name]
            measure = df["variable"].str.split(" | ", n=1, regex=False).str[0]
            own = df[(measure == variable) & (df["period"].str[:4].astype(int) == year)]["value"].sum()
            totals = pd.DataFrame({"area_id": [district], "area_name": [""], "period": [str(year)], "source": [df["source"].iloc[0]],
                                   "row": [0], "variable": [f"sum of '{variable}' over the Gemeinden = {own:,.0f}"],
                                   "deviation_percent": [round((own - official) / official * 100, 2)],
                                   "district_sum": [own], "official": [official]})
            checks.append(Check(f"{name}_kreis_total", totals, [E.ExpectColumnValuesToBeBetween(
                column="deviation_percent", min_value=-0.5, max_value=0.5, severity=FailureSeverity.WARNING,
                meta={"column": "deviation_percent",
                      "expected": f"the sum over the Gemeinden within 0.5 % of the official Kreis total ({official:,.0f})"})]))
    return checks


def run_checks(checks: list[Check], docs_dir: str | None = None) -> dict:
    """Run every suite (Great Expectations checkpoint per suite; Data Docs HTML into ``docs_dir``).

    Returns ``{"suites": {...}, "errors": [...], "warnings": [...]}`` with one readable line each."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if docs_dir:
        context.add_data_docs_site(site_name="sozialbericht", site_config={
            "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())}})
        actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=["sozialbericht"])]
    source = context.data_sources.add_pandas("staged")
    report = {"suites": {}, "errors": [], "warnings": [], "docs": str(docs_dir) if docs_dir else ""}
    for check in checks:
        batch = source.add_dataframe_asset(check.name).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=check.name))
        for e in check.expectations:
            suite.add_expectation(e)
        vd = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=check.name))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"checkpoint_{check.name}", validation_definitions=[vd], actions=actions,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": []}))
        result = checkpoint.run(batch_parameters={"dataframe": check.frame})
        results = [r for run in result.run_results.values() for r in run.results]
        failed = [r for r in results if not r.success]
        counts = {"rows": int(len(check.frame)), "expectations": len(results), "errors": 0, "warnings": 0}
        for r in failed:
            severity = getattr(r.expectation_config, "severity", None)
            target = "warnings" if str(getattr(severity, "value", severity)).lower() == "warning" else "errors"
            counts[target] += 1
            report[target].extend(_describe(r, check.frame, check.name))
        report["suites"][check.name] = counts
    return report


def validate_tables(tables: dict[str, pd.DataFrame], datasets: dict, requirements: list[Requirement],
                    docs_dir: str | None = None) -> dict:
    """Validate the staged national tables; raise ValidationFailed listing every error, else return
    the summary (suites and warnings)."""
    report = run_checks(national_checks(tables, datasets, requirements), docs_dir)
    if report["errors"]:
        raise ValidationFailed("national data", report["errors"])
    return report
