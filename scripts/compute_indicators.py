"""Rule compute_indicators: the indicator catalogue applied to one district and year."""

from pathlib import Path

from sozialbericht.district import build
from sozialbericht.pipeline import step

with step(snakemake) as log:  # noqa: F821
    staged = {Path(p).stem: Path(p) for p in snakemake.input.tables}
    p = snakemake.params
    context = build(p.district, int(snakemake.wildcards.year), p.datasets, p.catalogue, staged,
                    Path(snakemake.input.geo[0]).parent, Path(snakemake.output.indicators).parent, Path(p.previous))
    log.info("%s %s: indicators written; territorial changes applied: %d", snakemake.wildcards.district,
             snakemake.wildcards.year, len(context["territorial_changes"]))
