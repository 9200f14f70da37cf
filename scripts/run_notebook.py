"""Rule run_notebook: execute the report notebook with papermill for one district and year."""

from pathlib import Path

from sozialbericht.notebook import execute
from sozialbericht.pipeline import step

with step(snakemake) as log:  # noqa: F821
    out = Path(snakemake.output.notebook)
    execute(Path(snakemake.input.notebook), out, {
        "district": snakemake.wildcards.district, "year": int(snakemake.wildcards.year),
        "indicators_dir": str(Path(snakemake.input.indicators).parent.resolve()),
        "figures_dir": "figures", "dpi": snakemake.params.dpi})
    log.info("executed %s", out)
