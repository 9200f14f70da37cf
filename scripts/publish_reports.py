"""Rule publish_reports: the reports of one batch of districts (see sozialbericht.publish.batch)."""

import json
import sys
from pathlib import Path

from sozialbericht.core.pipeline import step
from sozialbericht.publish.batch import Settings, build_batch

with step(snakemake) as log:  # noqa: F821
    p, year = snakemake.params, int(snakemake.wildcards.year)
    settings = Settings(
        year=year,
        national_dir=Path(p.national_dir),
        backtest=Path(snakemake.input.backtest),
        work_dir=Path(snakemake.output.work),
        reports_dir=Path(p.reports),
        report_dir=Path(p.report_dir),
        notebook=Path(snakemake.input.notebook),
        catalogue=p.catalogue,
        datasets=p.datasets,
        laender=p.laender,
        planning=p.planning,
        engine=p.engine,
        requested_engine=p.requested_engine,
        formats=p.formats,
        code_version=p.code_version,
        code_checksum=p.code,
        national_inputs=p.national_inputs,
        raw_dir=p.raw,
        run_file=Path(p.run_file),
    )
    settings.work_dir.mkdir(parents=True, exist_ok=True)  # also when every report is unchanged
    results = build_batch(p.members, settings, Path(snakemake.log[0]))
    failed = [d for d, r in results.items() if r["status"] == "fehlgeschlagen"]
    if failed:
        sys.exit(1)  # the marker is not written: the next run tries these districts again
    Path(snakemake.output.marker).write_text(
        json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
