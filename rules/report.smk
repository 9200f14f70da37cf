# The reports of a batch of districts: compute, execute the notebook, render, export, publish.


rule publish_reports:
    input:
        unpack(batch_inputs),
    output:
        marker=RESULTS / "published" / "{year}" / "{batch}.json",
        work=directory(RESULTS / "work" / "{year}" / "{batch}"),
    log:
        RESULTS / "logs" / "publish_reports" / "{year}_{batch}.log",
    benchmark:
        RESULTS / "benchmarks" / "publish_reports" / "{year}_{batch}.tsv"
    params:
        members=batch_members,
        national_dir=lambda w: str(RESULTS / "national" / w.year),
        reports=str(REPORTS),
        report_dir=str(REPORT_DIR),
        datasets=PROJECT.datasets,
        catalogue=PROJECT.catalogue,
        laender=PROJECT.laender,
        planning=planning_settings(config),
        engine=ENGINE,
        requested_engine=config["render"]["engine"],
        formats=config["render"]["formats"],
        national_inputs=NATIONAL_RAW,
        national_checksum=NATIONAL_CHECKSUM,
        raw=str(RAW),
        code_version=CODE_VERSION,
        # the publish stage with what it may import (compute, report, core) and the notebook
        code=code_version("publish", extra=["notebooks/sozialbericht.ipynb"]),
        # the report project and the district's own texts, by content
        sources=lambda w: tree_checksum(
            [*batch_inputs(w)["report"], *batch_inputs(w)["texts"]], CHECKSUMS
        ),
        run_file=str(RESULTS / "logs" / "run.json"),
    script:
        "../scripts/publish_reports.py"
