"""Rule compute_national: indicators, territorial changes, projections and slices of every Kreis."""

from pathlib import Path

from sozialbericht.compute.demand import load_care_rates
from sozialbericht.compute.national import build
from sozialbericht.core.pipeline import step

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    staged = {Path(f).stem: Path(f) for f in snakemake.input.tables}
    summary = build(
        staged,
        Path(snakemake.input.geo[0]).parent,
        p.catalogue,
        p.datasets,
        p.laender,
        p.settings,
        int(snakemake.wildcards.year),
        Path(snakemake.output.summary).parent,
        Path(p.boundaries),
        load_care_rates(snakemake.input.pflegequoten),
    )
    log.info(
        "%d Kreise, %d Gemeinden, %d Gebietsänderungen (%d unsicher)",
        summary["kreise"],
        summary["gemeinden"],
        summary["gebietsaenderungen"],
        summary["unsicher"],
    )
