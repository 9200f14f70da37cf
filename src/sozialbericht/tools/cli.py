"""Command line: ``sozialbericht kreis-anlegen | beispieldaten | vorlage-beratung | vorlage-beteiligung | aenderungen | geheimhaltung |
seitenpruefung`` (German, like everything a planner reads; see README, "Contributing")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from sozialbericht.compute.changes import WORKTREE, diff_refs
from sozialbericht.core.errors import InputError

#: Old English command names, still accepted for one release (with a German hint): old → new.
RENAMED_COMMANDS = {"init-district": "kreis-anlegen", "generate": "beispieldaten", "diff": "aenderungen"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in RENAMED_COMMANDS:
        old, argv[0] = argv[0], RENAMED_COMMANDS[argv[0]]
        print(
            f"Hinweis: „sozialbericht {old}“ heißt jetzt „sozialbericht {argv[0]}“; "
            "der alte Name gilt nur noch bis zur nächsten Version.",
            file=sys.stderr,
        )
    parser = argparse.ArgumentParser(prog="sozialbericht", description="Werkzeuge der Sozialbericht-Pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("kreis-anlegen", help="config/districts/<id>.yaml eines Kreises aus den bundesweiten Daten anlegen")
    init.add_argument("kreis", help="fünfstelliger Kreisschlüssel, z. B. 15089")
    init.add_argument("--force", action="store_true", help="eine vorhandene Datei überschreiben")
    init.add_argument("--root", type=Path, default=Path("."), help="Projektordner (Standard: aktueller Ordner)")
    diff = sub.add_parser(
        "aenderungen", help="die geänderten Indikatorwerte zwischen zwei git-Versionen, auf Deutsch zusammengefasst"
    )
    diff.add_argument("from_ref", help="git-Referenz der alten Version (Tag, Zweig, Commit)")
    diff.add_argument(
        "to_ref",
        nargs="?",
        default=WORKTREE,
        help=f"git-Referenz der neuen Version (Standard: {WORKTREE}, die Dateien im Ordner)",
    )
    diff.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="Änderungen über diesem Prozentsatz des alten Werts nennen (Standard: diff.threshold_percent in config/config.yaml)",
    )
    diff.add_argument(
        "--markdown", type=Path, help="die Zusammenfassung auch in diese Markdown-Datei schreiben (für einen Merge-Request)"
    )
    diff.add_argument("--root", type=Path, default=Path("."), help="Projektordner (Standard: aktueller Ordner)")
    gen = sub.add_parser(
        "beispieldaten",
        help="SYNTHETISCHE kleinräumige Beispieldaten eines Kreises schreiben, abgestimmt auf die echten Kreissummen der bundesweiten Dateien",
    )
    gen.add_argument("district", help="Kennung des Kreises (config/districts/<id>.yaml mit small_area_data.folder)")
    gen.add_argument(
        "--years",
        default=None,
        help="erstes-letztes Jahr, z. B. 2017-2020 (Standard: drei Jahre vor dem Berichtsjahr … das Berichtsjahr)",
    )
    gen.add_argument("--seed", type=int, default=2020, help="Startwert des Zufallsgenerators (gleicher Wert, gleiche Dateien)")
    gen.add_argument(
        "--nur-beteiligung",
        action="store_true",
        help="nur die synthetischen Arbeitsmappen zur Gewichtung (beteiligung/, je Beteiligtem aus beteiligte:) schreiben",
    )
    gen.add_argument(
        "--berichte", type=Path, default=Path("reports"), help="Ordner der veröffentlichten Berichte (Standard: reports)"
    )
    gen.add_argument(
        "--sammeldatei",
        action="store_true",
        help="die Beratungsdaten als Sammeldatei beratung.xlsx des Kreises statt einer Arbeitsmappe je Träger",
    )
    tpl = sub.add_parser(
        "vorlage-beratung",
        help="die leere Arbeitsmappe des Beratungsdatenstandards für die Träger eines Kreises schreiben",
    )
    tpl.add_argument("district", help="Kennung des Kreises (config/districts/<id>.yaml)")
    tpl.add_argument("--datei", type=Path, default=None, help="Zieldatei (Standard: data/raw/<Ordner>/beratung/vorlage.xlsx)")
    part = sub.add_parser(
        "vorlage-beteiligung",
        help="je Beteiligtem (beteiligte: in der Kreiskonfiguration) eine Arbeitsmappe zur Gewichtung der Bedarfsindikatoren schreiben",
    )
    part.add_argument("district", help="Kennung des Kreises (config/districts/<id>.yaml)")
    part.add_argument(
        "--berichte", type=Path, default=Path("reports"), help="Ordner der veröffentlichten Berichte (Standard: reports)"
    )
    audit = sub.add_parser(
        "geheimhaltung",
        help="prüfen, ob sich ein gesperrter Wert aus den veröffentlichten Zahlen errechnen lässt (lineares Programm)",
    )
    audit.add_argument("district", help="Kennung des Kreises (config/districts/<id>.yaml)")
    audit.add_argument("--jahr", type=int, default=None, help="Berichtsjahr (Standard: year in config/config.yaml)")
    audit.add_argument("--root", type=Path, default=Path("."), help="Projektordner (Standard: aktueller Ordner)")
    pages = sub.add_parser(
        "seitenpruefung", help="PDFs Wort für Wort prüfen: nichts überdruckt sich, nichts liegt außerhalb der Seite"
    )
    pages.add_argument(
        "pfade", nargs="*", type=Path, default=[Path("reports")], help="PDF-Dateien oder Ordner (Standard: reports)"
    )
    args = parser.parse_args(argv)
    if args.command == "seitenpruefung":
        return _pagecheck(args.pfade)
    try:
        if args.command == "kreis-anlegen":
            return _init_district(args)
        if args.command == "geheimhaltung":
            from sozialbericht.tools.disclosure_audit import audit_published, table

            findings, threshold = audit_published(args.root, args.district, args.jahr)
            print(table(findings, threshold), end="")
            return 0 if all(f.safe for f in findings) else 1
        if args.command == "beispieldaten":
            return _generate(args)
        if args.command == "vorlage-beratung":
            return _template(args)
        if args.command == "vorlage-beteiligung":
            return _participation_templates(args)
    except InputError as err:
        print(f"Fehler:\n{err}", file=sys.stderr)
        return 2
    threshold = args.threshold
    if threshold is None:
        cfg = yaml.safe_load((args.root / "config" / "config.yaml").read_text(encoding="utf-8"))
        threshold = float(cfg.get("diff", {}).get("threshold_percent", 1.0))
    text = diff_refs(args.from_ref, args.to_ref, args.root, threshold)
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


def _pagecheck(paths: list[Path]) -> int:
    from sozialbericht.tools.pagecheck import check_tree

    pdfs = pages = 0
    defects = []
    for path in paths:
        n, p, found = check_tree(path)
        pdfs, pages, defects = pdfs + n, pages + p, defects + found
    for defect in defects:
        print(defect)
    print(f"Seitenprüfung: {pdfs} PDF-Dateien, {pages} Seiten, {len(defects)} Befunde")
    return 1 if defects else 0


def _init_district(args) -> int:
    from sozialbericht.core.config import boundary_layer, load_yaml
    from sozialbericht.tools.init_district import district_yaml

    root = args.root
    config = load_yaml(root / "config" / "config.yaml")
    datasets = load_yaml(root / config["datasets"])
    raw = root / config["paths"]["raw"]

    def refuse_overwrite(district_id: str) -> None:
        target = root / "config" / "districts" / f"{district_id}.yaml"
        if target.exists() and not args.force:
            raise InputError(
                target,
                "die Datei gibt es schon; sie wird nicht überschrieben",
                hint="mit --force (make district KREIS=… FORCE=1) neu schreiben oder die Datei von Hand anpassen",
            )

    text, district_id = district_yaml(
        args.kreis,
        datasets,
        raw,
        boundary_layer(datasets, raw),
        config.get("defaults", {}),
        int(config["year"]),
        refuse_overwrite,
    )
    target = root / "config" / "districts" / f"{district_id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Kreiskonfiguration geschrieben. Bericht erstellen mit: make report DISTRICTS={district_id}")
    print(target)
    return 0


def _template(args) -> int:
    """The empty workbook of the counselling data standard, with the district's Gemeinden."""
    from sozialbericht.core.config import load_project
    from sozialbericht.ingest.counselling.template import write_workbook
    from sozialbericht.ingest.own_data import current_gemeinden
    from sozialbericht.ingest.staging import stage_table

    config = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    config["districts"] = [args.district]
    project = load_project(config)
    district = project.districts[args.district]
    spec = project.datasets["gemeindeverzeichnis"]
    names = current_gemeinden(stage_table(spec, [project.raw_path(f) for f in spec["files"]]), district["kreis"])
    folder = district.get("small_area_data", {}).get("folder", district["id"])
    target = args.datei or project.raw_path(folder) / "beratung" / "vorlage.xlsx"
    meta = {"Träger": "", "Kennung": "", "Berichtsjahr": project.year, "Ansprechperson": "", "E-Mail": ""}
    write_workbook(target, project.counselling, names, meta, [], [], f"{project.year + 1}-01-01T00:00:00Z")
    print(f"geschrieben: {target} (Vorlage des Beratungsdatenstandards, {len(names)} Gemeinden)")
    return 0


def _participation_templates(args) -> int:
    """The weighting workbooks of a district's participants (tools/participation.py)."""
    from sozialbericht.core.config import load_project
    from sozialbericht.tools.participation import write_templates

    config = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    config["districts"] = [args.district]
    paths = write_templates(load_project(config), args.district, args.berichte)
    for path in paths:
        print(f"geschrieben: {path} (Arbeitsmappe zur Gewichtung; ausgefüllt nach {path.parent.parent} legen)")
    return 0


def _generate(args) -> int:
    from sozialbericht.core.config import load_project
    from sozialbericht.ingest.own_data import current_gemeinden
    from sozialbericht.ingest.staging import stage_table
    from sozialbericht.tools.synthetic import generate

    config = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    config["districts"] = [args.district]
    own = yaml.safe_load(Path(f"config/districts/{args.district}.yaml").read_text(encoding="utf-8")) or {}
    if "small_area_data" in own:  # the folder the generator fills must exist for the configuration check
        (Path(config["paths"]["raw"]) / own["small_area_data"]["folder"]).mkdir(parents=True, exist_ok=True)
    project = load_project(config)
    district = project.districts[args.district]
    if "small_area_data" not in district:
        raise SystemExit(f"config/districts/{args.district}.yaml hat keinen Schlüssel small_area_data.folder")
    from sozialbericht.tools.participation import write_synthetic

    if args.nur_beteiligung:
        return _written(write_synthetic(project, args.district, args.berichte, seed=args.seed))
    first, last = (int(y) for y in args.years.split("-")) if args.years else (project.year - 3, project.year)
    tables = {
        name: stage_table(project.datasets[name], [project.raw_path(f) for f in project.datasets[name]["files"]])
        for name in ("bevoelkerung_alter", "arbeitslose", "gemeindeverzeichnis")
    }
    out = project.raw_path(district["small_area_data"]["folder"])
    files = generate(
        district["kreis"],
        list(range(first, last + 1)),
        tables["bevoelkerung_alter"],
        tables["arbeitslose"],
        tables["gemeindeverzeichnis"],
        out,
        seed=args.seed,
        standard=project.counselling if not args.sammeldatei else None,
        names=current_gemeinden(tables["gemeindeverzeichnis"], district["kreis"]),
    )
    # the participants' weighting (beteiligte:), with the Kreis values of the published report
    return _written({**files, **write_synthetic(project, args.district, args.berichte, seed=args.seed)})


def _written(files: dict[str, Path]) -> int:
    for path in files.values():
        print(f"geschrieben: {path} (SYNTHETISCHE Beispieldaten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
