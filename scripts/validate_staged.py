"""Rule validate_staged: Great Expectations suites for every staged national table."""

import json
from pathlib import Path

from sozialbericht.pipeline import step
from sozialbericht.staging import read_tidy
from sozialbericht.validation import Requirement, validate_tables

with step(snakemake) as log:  # noqa: F821
    tables = {Path(p).stem: read_tidy(p) for p in snakemake.input}
    requirements = [Requirement(**r) for r in snakemake.params.requirements]
    summary = validate_tables(tables, snakemake.params.datasets, requirements)
    Path(snakemake.output[0]).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log.info("validated %d suites, all expectations met", len(summary))
