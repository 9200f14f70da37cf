# Great Expectations suites for every staged national table, run once for all districts.


rule validate_staged:
    input:
        expand(RESULTS / "staged" / "{dataset}.csv", dataset=TABLES),
    output:
        summary=RESULTS / "validation" / "national_{year}.json",
        docs=directory(RESULTS / "validation" / "data_docs_national_{year}"),
    log:
        RESULTS / "logs" / "validate_staged_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "validate_staged_{year}.tsv"
    params:
        datasets=PROJECT.datasets,
        plausibility=PROJECT.plausibility,
        raw=str(RAW),
        code=code_version("validate"),
    script:
        "../scripts/validate_staged.py"
