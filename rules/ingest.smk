# Raw national files in their native formats → one tidy table per dataset.


rule ingest_table:
    input:
        dataset_files,
    output:
        RESULTS / "staged" / "{dataset}.csv",
    params:
        spec=dataset_spec,
        code=code_version("io", "tidy.py", "staging.py", "errors.py"),
    log:
        RESULTS / "logs" / "ingest_table" / "{dataset}.log",
    benchmark:
        RESULTS / "benchmarks" / "ingest_table" / "{dataset}.tsv"
    script:
        "../scripts/ingest_table.py"


rule ingest_boundaries:
    input:
        boundary_files(),
    output:
        expand(RESULTS / "staged" / "geo" / "{layer}.geojson", layer=LAYERS),
    params:
        layers=[RAW / f for f in PROJECT.datasets[BOUNDARIES]["files"]],
        code=code_version("io", "staging.py", "errors.py"),
    log:
        RESULTS / "logs" / "ingest_boundaries.log",
    script:
        "../scripts/ingest_boundaries.py"
