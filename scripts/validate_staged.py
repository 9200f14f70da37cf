"""Rule validate_staged: Great Expectations suites and plausibility checks of every national table."""

import json
from pathlib import Path

from sozialbericht.core.files import read_tidy
from sozialbericht.core.pipeline import step
from sozialbericht.validate.expectations import without_sql_backends
from sozialbericht.validate.suites import validate_staged

without_sql_backends()  # before GX is imported (see there)

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    tables = {Path(f).stem: read_tidy(f) for f in snakemake.input}
    report = validate_staged(tables, p.datasets, p.plausibility, int(snakemake.wildcards.year), p.raw, snakemake.output.docs)
    Path(snakemake.output.summary).write_text(
        json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for warning in report["warnings"]:
        log.warning("%s", warning)
    log.info("%d Prüfsuiten ohne Fehler, %d Hinweis(e)", len(report["suites"]), len(report["warnings"]))
