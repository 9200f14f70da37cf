"""Rule validate_staged: Great Expectations suites for every staged national table."""

import json
from pathlib import Path

from sozialbericht.pipeline import step
from sozialbericht.staging import read_tidy
from sozialbericht.validation import Requirement, validate_tables

with step(snakemake) as log:  # noqa: F821
    tables = {Path(p).stem: read_tidy(p) for p in snakemake.input}
    requirements = [Requirement(**r) for r in snakemake.params.requirements]
    report = validate_tables(tables, snakemake.params.datasets, requirements, snakemake.output.docs)
    Path(snakemake.output.summary).write_text(json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    for warning in report["warnings"]:
        log.warning("%s", warning)
    log.info("validated %d suites: no errors, %d warning(s)", len(report["suites"]), len(report["warnings"]))
