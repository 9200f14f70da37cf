# Great Expectations suites for every staged national table, run once for all districts.


rule validate_staged:
    input:
        expand(RESULTS / "staged" / "{dataset}.csv", dataset=TABLES),
    output:
        RESULTS / "validation" / f"national_{YEAR}.json",
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
