# Raw national files in their native formats → one tidy table per dataset; the district's own files.


# Raw inputs are `ancient`: their modification time never triggers a rerun (a touched or copied
# file changes nothing); their content does, through the checksum parameter `content`.
rule ingest_table:
    input:
        lambda w: [ancient(f) for f in dataset_files(w)],
    output:
        RESULTS / "staged" / "{dataset}.csv",
    log:
        RESULTS / "logs" / "ingest_table" / "{dataset}.log",
    benchmark:
        RESULTS / "benchmarks" / "ingest_table" / "{dataset}.tsv"
    params:
        spec=dataset_spec,
        content=dataset_checksum,
        code=code_version("ingest"),
    script:
        "../scripts/ingest_table.py"


rule ingest_boundaries:
    input:
        [ancient(f) for f in boundary_files()],
    output:
        expand(RESULTS / "staged" / "geo" / "{layer}.geojson", layer=LAYERS),
    log:
        RESULTS / "logs" / "ingest_boundaries.log",
    params:
        layers=[RAW / f for f in PROJECT.datasets[BOUNDARIES]["files"]],
        content=tree_checksum(boundary_files(), CHECKSUMS),
        code=code_version("ingest"),
    script:
        "../scripts/ingest_boundaries.py"


# A district's own data that do not pass are not staged: the summary records why, the job ends
# normally, and the report job fails only this district (sozialbericht/ingest/own_data.py).
rule ingest_district_data:
    input:
        files=lambda w: [ancient(f) for f in district_files(w)],
        directory=RESULTS / "staged" / "gemeindeverzeichnis.csv",
        population=RESULTS / "staged" / "bevoelkerung_alter.csv",
        unemployment=RESULTS / "staged" / "arbeitslose.csv",
        # staged national data are read only after they passed their validation
        validated=RESULTS / "validation" / "national_{year}.json",
    output:
        staged=directory(RESULTS / "staged" / "districts" / "{district}" / "{year}"),
        summary=RESULTS / "validation" / "district_{district}_{year}.json",
        docs=directory(RESULTS / "validation" / "data_docs_{district}_{year}"),
    log:
        RESULTS / "logs" / "ingest_district_data" / "{district}_{year}.log",
    benchmark:
        RESULTS / "benchmarks" / "ingest_district_data" / "{district}_{year}.tsv"
    params:
        district=district_data_config,
        specs=PROJECT.district_inputs,
        plausibility=PROJECT.plausibility["district"],
        standard=PROJECT.counselling,
        limits=PROJECT.config.get("arbeitsmappen", {}),
        # the indicators the participants weight (ingest/participation.py)
        candidates=PROJECT.config["social_index"]["status_indicators"],
        folder=district_folder,
        content=lambda w: tree_checksum(district_files(w), CHECKSUMS),
        code=code_version("ingest"),
    script:
        "../scripts/ingest_district_data.py"
