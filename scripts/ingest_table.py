"""Rule ingest_table: read one national dataset in its native format and stage it as a tidy table."""

from sozialbericht.core.files import write_tidy
from sozialbericht.core.pipeline import step
from sozialbericht.ingest.staging import stage_table

with step(snakemake) as log:  # noqa: F821 (snakemake is injected by the script directive)
    df = stage_table(snakemake.params.spec, list(snakemake.input))
    write_tidy(df, snakemake.output[0])
    log.info("%s: %d rows from %d file(s)", snakemake.wildcards.dataset, len(df), len(snakemake.input))
