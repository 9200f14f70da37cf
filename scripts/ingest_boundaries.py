"""Rule ingest_boundaries: reproject the VG5000 layers to EPSG:25832 GeoJSON."""

from pathlib import Path

from sozialbericht.core.pipeline import step
from sozialbericht.ingest.staging import stage_boundaries

with step(snakemake) as log:  # noqa: F821
    written = stage_boundaries(snakemake.params.layers, Path(snakemake.output[0]).parent)
    log.info("boundaries: %s", ", ".join(p.name for p in written))
