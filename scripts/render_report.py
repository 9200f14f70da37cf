"""Rule render_report: render HTML, PDF and Markdown, export tables and publish the version atomically."""

import json
from pathlib import Path

from sozialbericht.exports import write_xlsx
from sozialbericht.pipeline import step
from sozialbericht.publish import publish
from sozialbericht.render import render
from sozialbericht.versioning import checksum, data_version, input_records, manifest, report_metadata

with step(snakemake) as log:  # noqa: F821
    p = snakemake.params
    work = Path(snakemake.output.marker).parent
    context = json.loads(Path(snakemake.input.context).read_text(encoding="utf-8"))
    inputs = input_records(p.inputs, p.datasets, p.raw)
    stamp = {"data": data_version(inputs), "code": p.code_version, "config": checksum(p.config)}
    result = render(Path(snakemake.input.notebook), work / "render", p.formats, report_metadata(context, stamp), p.engine)
    files = {Path(f).name: Path(f) for f in result["outputs"].values()}
    files["indikatoren.csv"] = Path(snakemake.input.indicators)
    files["tabellen.xlsx"] = write_xlsx(Path(snakemake.input.indicators), context, work / "tabellen.xlsx")
    info = publish(files, Path(p.target), manifest(inputs, p.config, context, stamp, result))
    Path(snakemake.output.marker).write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log.info("published %s with %s (%s)", p.target, result["engine"], result["engine_version"])
