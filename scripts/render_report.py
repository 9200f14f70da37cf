"""Rule render_report: render HTML, PDF and Markdown and publish the version atomically."""

import json
from pathlib import Path

from sozialbericht.pipeline import step
from sozialbericht.publish import publish
from sozialbericht.render import render
from sozialbericht.versioning import manifest, report_metadata

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    context = json.loads(Path(snakemake.input.context).read_text(encoding="utf-8"))
    result = render(Path(snakemake.input.notebook), Path(snakemake.output.marker).parent / "render",
                    p.formats, report_metadata(context), p.engine)
    files = {Path(f).name: Path(f) for f in result["outputs"].values()}
    files["indikatoren.csv"] = Path(snakemake.input.indicators)
    info = publish(files, Path(p.target), manifest(p.inputs, p.config, context, result))
    Path(snakemake.output.marker).write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log.info("published %s with %s (%s)", p.target, result["engine"], result["engine_version"])
