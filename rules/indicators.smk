# The indicator catalogue applied to one district and year.


rule compute_indicators:
    input:
        tables=expand(RESULTS / "staged" / "{dataset}.csv", dataset=TABLES),
        geo=expand(RESULTS / "staged" / "geo" / "{layer}.geojson", layer=LAYERS),
        validated=RESULTS / "validation" / f"national_{YEAR}.json",
        district_data=district_staged,
        catalogue=config["indicators"],
        district_config="config/districts/{district}.yaml",
    output:
        indicators=RESULTS / "indicators" / "{district}" / "{year}" / "indikatoren.csv",
        pyramid=RESULTS / "indicators" / "{district}" / "{year}" / "pyramide.csv",
        geo=RESULTS / "indicators" / "{district}" / "{year}" / "gemeinden.geojson",
        context=RESULTS / "indicators" / "{district}" / "{year}" / "context.json",
    params:
        district=district_config,
        datasets=PROJECT.datasets,
        catalogue=PROJECT.catalogue,
        previous=previous_indicators,
        min_count=config.get("disclosure", {}).get("min_count", 3),
        planning={k: config[k] for k in ("social_index", "projection", "counselling") if k in config},
        code=code_version("indicators.py", "territory.py", "district.py", "config.py", "disclosure.py", "planning.py", "projection.py",
            "social_index.py"),
    log:
        RESULTS / "logs" / "compute_indicators" / "{district}_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "compute_indicators" / "{district}_{year}.tsv"
    script:
        "../scripts/compute_indicators.py"
