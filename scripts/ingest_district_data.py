"""Rule ingest_district_data: read, validate and stage one district's small-area files."""

import json
from pathlib import Path

from sozialbericht.district_data import stage_district
from sozialbericht.pipeline import step
from sozialbericht.staging import read_tidy

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    report = stage_district(
        p.district,
        int(snakemake.wildcards.year),
        p.specs,
        Path(p.folder),
        read_tidy(snakemake.input.directory),
        read_tidy(snakemake.input.population),
        read_tidy(snakemake.input.unemployment),
        Path(snakemake.output.tables[0]).parent,
        Path(snakemake.output.docs),
        p.plausibility,
        p.standard,
    )
    Path(snakemake.output.summary).write_text(
        json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for warning in report["warnings"]:
        log.warning("%s", warning)
    log.info("%s: %d Tabellen geprüft und übernommen, %d Hinweis(e)", p.district["id"], len(p.specs), len(report["warnings"]))
