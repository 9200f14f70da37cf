# Sozialbericht pipeline: raw official statistics → validated tidy tables → indicators →
# executed report notebook → HTML + PDF + Markdown per district and year. See README.md.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "config/schemas/config.schema.yaml")


include: "rules/common.smk"


wildcard_constraints:
    dataset="|".join(TABLES),
    district="|".join(PROJECT.districts),
    year=r"\d{4}",


include: "rules/ingest.smk"
include: "rules/validate.smk"
include: "rules/indicators.smk"
include: "rules/report.smk"


rule all:
    input:
        published_markers(),
    default_target: True
