# National work once per report year (every Kreis, Land, Gemeinde); the back-test of the projection.


rule compute_national:
    input:
        tables=expand(RESULTS / "staged" / "{dataset}.csv", dataset=TABLES),
        geo=expand(RESULTS / "staged" / "geo" / "{layer}.geojson", layer=LAYERS),
        validated=RESULTS / "validation" / "national_{year}.json",
        catalogue=config["indicators"],
        laender=config["laender"],
        pflegequoten=config.get("pflegequoten", "config/pflegequoten.yaml"),
    output:
        summary=RESULTS / "national" / "{year}" / "summary.json",
        folder=directory(RESULTS / "national" / "{year}" / "kreise"),
        laender=directory(RESULTS / "national" / "{year}" / "laender"),
        table=RESULTS / "national" / "{year}" / "indikatoren.csv",
    log:
        RESULTS / "logs" / "compute_national_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "compute_national_{year}.tsv"
    params:
        datasets=PROJECT.datasets,
        catalogue=PROJECT.catalogue,
        laender=PROJECT.laender,
        settings={
            k: config[k]
            for k in ("defaults", "projection", "vergleichskreise")
            if k in config
        },
        boundaries=str(RAW / "national" / "geo"),
        code=code_version("compute"),
    script:
        "../scripts/compute_national.py"


rule run_backtest:
    input:
        population=RESULTS / "staged" / "bevoelkerung_alter.csv",
        directory=RESULTS / "staged" / "gemeindeverzeichnis.csv",
        # staged national data are read only after they passed their validation
        validated=RESULTS / "validation" / f"national_{YEAR}.json",
        laender=config["laender"],
    output:
        markdown=RESULTS / "benchmarks" / "backtest.md",
        summary=RESULTS / "benchmarks" / "backtest.json",
    log:
        RESULTS / "logs" / "run_backtest.log",
    benchmark:
        RESULTS / "benchmarks" / "run_backtest.tsv"
    params:
        laender=PROJECT.laender,
        settings=config["projection"],
        code=code_version("compute"),
    script:
        "../scripts/run_backtest.py"
