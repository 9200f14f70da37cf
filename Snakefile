# Sozialbericht pipeline: raw official statistics → validated tidy tables → national indicators →
# per district: indicators, executed report notebook → HTML + PDF + Markdown. See README.md.
from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from sozialbericht.core.config import load_yaml
from sozialbericht.core.errors import InputError

min_version("9.0")

# Read the main configuration once ourselves first, so that a YAML error names the file, line
# and column in German; the schema check follows in rules/common.smk (load_project).
try:
    load_yaml("config/config.yaml")
except InputError as err:
    raise WorkflowError(
        f"Fehler in der Konfiguration – nichts wurde ausgeführt:\n{err}"
    )


configfile: "config/config.yaml"


include: "rules/common.smk"


wildcard_constraints:
    dataset="|".join(TABLES),
    district="|".join(OWN) if OWN else "(?!x)x",
    batch="|".join(BATCHES),
    year=r"\d{4}",


include: "rules/ingest.smk"
include: "rules/validate.smk"
include: "rules/compute.smk"
include: "rules/report.smk"


rule all:
    default_target: True
    input:
        published_markers(),
