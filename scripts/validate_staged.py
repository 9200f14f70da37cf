"""Rule validate_staged: Great Expectations suites for every staged national table."""

import json
from pathlib import Path

from sozialbericht.pipeline import step
from sozialbericht.staging import read_tidy
from sozialbericht.validation import Requirement, validate_tables

with step(snakemake) as log:  # noqa: F821
    tables = {Path(p).stem: read_tidy(p) for p in snakemake.input}
    year = int(snakemake.wildcards.year)
    pop = tables["bevoelkerung_alter"]
    kreise = sorted(pop[(pop["period"].str[:4].astype(int) == year) & (pop["area_id"].str.len() == 5) & pop["value"].notna()]["area_id"].unique())
    report = validate_tables(tables, snakemake.params.datasets, [Requirement(tuple(kreise), year)], snakemake.output.docs)
    Path(snakemake.output.summary).write_text(json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    for warning in report["warnings"]:
        log.warning("%s", warning)
    log.info("%d Prüfsuiten ohne Fehler, %d Hinweis(e)", len(report["suites"]), len(report["warnings"]))
