"""Rule ingest_district_data: read, validate and stage one district's small-area files.

Data that do not pass are not staged; the summary records why, and the district's report job
fails with that message while the other districts of its batch are published (see
sozialbericht.ingest.own_data.ingest)."""

from pathlib import Path

from sozialbericht.core.pipeline import step
from sozialbericht.ingest.own_data import ingest
from sozialbericht.validate.expectations import without_sql_backends

without_sql_backends()  # before GX is imported (see there)

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    ingest(
        p.district,
        int(snakemake.wildcards.year),
        p.specs,
        Path(p.folder),
        Path(snakemake.input.directory),
        Path(snakemake.input.population),
        Path(snakemake.input.unemployment),
        Path(snakemake.output.staged),
        Path(snakemake.output.docs),
        Path(snakemake.output.summary),
        p.plausibility,
        p.standard,
        log,
        p.limits,
        p.candidates,
    )
