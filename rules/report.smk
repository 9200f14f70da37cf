# Executed notebook → rendered report → atomic publication in reports/<district>/<year>/.


rule run_notebook:
    input:
        notebook="notebooks/sozialbericht.ipynb",
        indicators=RESULTS / "indicators" / "{district}" / "{year}" / "indikatoren.csv",
        pyramid=RESULTS / "indicators" / "{district}" / "{year}" / "pyramide.csv",
        geo=RESULTS / "indicators" / "{district}" / "{year}" / "gemeinden.geojson",
        context=RESULTS / "indicators" / "{district}" / "{year}" / "context.json",
    output:
        notebook=RESULTS / "notebooks" / "{district}" / "{year}" / "sozialbericht.ipynb",
        figures=directory(RESULTS / "notebooks" / "{district}" / "{year}" / "figures"),
    params:
        dpi=config.get("figures", {}).get("dpi", 150),
        code=code_version("figures.py", "formatting.py", "report.py", "notebook.py"),
    log:
        RESULTS / "logs" / "run_notebook" / "{district}_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "run_notebook" / "{district}_{year}.tsv"
    script:
        "../scripts/run_notebook.py"


rule render_report:
    input:
        notebook=RESULTS / "notebooks" / "{district}" / "{year}" / "sozialbericht.ipynb",
        figures=RESULTS / "notebooks" / "{district}" / "{year}" / "figures",
        indicators=RESULTS / "indicators" / "{district}" / "{year}" / "indikatoren.csv",
        context=RESULTS / "indicators" / "{district}" / "{year}" / "context.json",
    output:
        marker=RESULTS / "published" / "{district}" / "{year}" / "published.json",
    params:
        target=report_dir,
        formats=config["render"]["formats"],
        engine=config["render"]["engine"],
        inputs=all_raw_inputs(),
        config=publication_config,
        datasets=PROJECT.datasets,
        raw=str(RAW),
        code_version=CODE_VERSION,
        code=code_version("render.py", "publish.py", "versioning.py", "assets"),
    log:
        RESULTS / "logs" / "render_report" / "{district}_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "render_report" / "{district}_{year}.tsv"
    script:
        "../scripts/render_report.py"
