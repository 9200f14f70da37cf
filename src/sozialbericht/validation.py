"""Great Expectations suites for every staged table, and readable reports of what failed.

One suite per dataset, written as code (reviewable in diffs, unit-tested). Each expectation
carries in ``meta`` the column it checks and what is expected in words, so that a failure can be
reported with the file, the line, the area, the column, the value found and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sozialbericht.errors import ValidationFailed
from sozialbericht.tidy import MARKERS, TIDY_COLUMNS

ALLOWED_FLAGS = ["", *MARKERS]
COUNT_UNITS = ["Anzahl"]
PERCENT_UNITS = ["Prozent", "%"]


@dataclass(frozen=True)
class Requirement:
    """A Kreis whose data must be present in a dataset (how: see ``coverage`` in config/datasets.yaml)."""

    kreis: str
    year: int
    district: str


def _validation_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.copy()
    frame["year"] = frame["period"].str[:4].astype("int64")
    frame["kreis"] = frame["area_id"].where(frame["area_id"].str.len() < 5, frame["area_id"].str[:5])
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


def expectations_for(name: str, spec: dict, requirements: list[Requirement]):
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
    for req in requirements:
        cond, when = (text.format(y=req.year) for text in COVERAGE[spec["coverage"]])
        exps.append(E.ExpectColumnDistinctValuesToContainSet(
            column="kreis", value_set=[req.kreis], row_condition=cond, condition_parser="pandas",
            meta={"column": "area_id", "completeness": True,
                  "expected": f"data of Kreis {req.kreis} (district '{req.district}') {when}"}))
    return exps


def _describe(result, frame: pd.DataFrame, name: str) -> list[str]:
    """Readable lines for one failed expectation: file, line, area, column, value, expectation."""
    meta = result.expectation_config.meta or {}
    column, expected = meta.get("column", "?"), meta.get("expected", result.expectation_config.type)
    idx = result.result.get("unexpected_index_list") or []
    if not idx:
        observed = result.result.get("observed_value")
        found = f"; found {observed}" if observed is not None and not meta.get("completeness") else ""
        return [f"{name}: column '{column}': expected {expected}{found}"]
    lines = []
    for i in idx[:10]:
        i = i if not isinstance(i, dict) else next(iter(i.values()))
        row = frame.loc[i]
        shown = row[column] if column in row.index else row.get("value")
        lines.append(f"{row.get('source', name)}: line {row.get('row', '?')}, area {row.get('area_id')} "
                     f"{str(row.get('area_name', '')).strip()}, variable '{row.get('variable', '')}', "
                     f"column '{column}': found {shown!r}, expected {expected}")
    if len(idx) > 10:
        lines.append(f"{name}: … and {len(idx) - 10} more rows with the same problem")
    return lines


def validate_tables(tables: dict[str, pd.DataFrame], datasets: dict, requirements: list[Requirement]) -> dict:
    """Validate every staged table; raise ValidationFailed listing every failure, else return a summary."""
    import great_expectations as gx

    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("staged")
    summary, failures = {}, []
    for name, df in sorted(tables.items()):
        frame = _validation_frame(df)
        checks = [(name, frame, expectations_for(name, datasets[name], requirements))]
        sums = sum_frame(df, datasets[name].get("sums", []))
        if len(sums):
            sums = sums.merge(df.drop_duplicates(["area_id", "period"])[["area_id", "period", "area_name", "source", "row"]],
                              on=["area_id", "period"], how="left")
            sums["variable"] = sums["rule"]
            checks.append((f"{name}_sums", sums, [gx.expectations.ExpectColumnValuesToBeBetween(
                column="difference", min_value=-0.5, max_value=0.5,
                meta={"column": "difference", "expected": "total = sum of its parts (e.g. male + female = total)"})]))
        for suite_name, data, exps in checks:
            asset = source.add_dataframe_asset(suite_name)
            batch = asset.add_batch_definition_whole_dataframe("all")
            suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
            for e in exps:
                suite.add_expectation(e)
            vd = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=suite_name))
            res = vd.run(batch_parameters={"dataframe": data},
                         result_format={"result_format": "COMPLETE", "unexpected_index_column_names": []})
            summary[suite_name] = {"rows": int(len(data)), "expectations": len(exps),
                                   "failed": sum(1 for r in res.results if not r.success)}
            for r in res.results:
                if not r.success:
                    failures.extend(_describe(r, data, suite_name))
    if failures:
        raise ValidationFailed("national data", failures)
    return summary
