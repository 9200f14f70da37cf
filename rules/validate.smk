# Great Expectations suites for every staged national table, run once for all districts.


rule validate_staged:
    input:
        expand(RESULTS / "staged" / "{dataset}.csv", dataset=TABLES),
    output:
        summary=RESULTS / "validation" / f"national_{YEAR}.json",
        docs=directory(RESULTS / "validation" / f"data_docs_national_{YEAR}"),
    params:
        datasets=PROJECT.datasets,
        requirements=completeness_requirements(),
        code=code_version("validation.py", "tidy.py"),
    log:
        RESULTS / "logs" / f"validate_staged_{YEAR}.log",
    benchmark:
        RESULTS / "benchmarks" / f"validate_staged_{YEAR}.tsv"
    script:
        "../scripts/validate_staged.py"
