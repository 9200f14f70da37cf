"""Rule run_backtest: the projection back-tested on every Kreis and every Gemeinde of Germany."""

from pathlib import Path

from sozialbericht.compute.backtest import run_all
from sozialbericht.core.files import read_tidy
from sozialbericht.core.pipeline import step

with step(snakemake) as log:  # noqa: F821
    result = run_all(
        read_tidy(snakemake.input.population),
        read_tidy(snakemake.input.directory),
        snakemake.params.laender,
        snakemake.params.settings,
        Path(snakemake.output.markdown),
        Path(snakemake.output.summary),
    )
    log.info("Rückblicktest: %s", result["bericht"]["beschreibung"])
