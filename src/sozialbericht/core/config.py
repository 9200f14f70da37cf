"""Loading and checking the configuration: main config, district configs, datasets, catalogue.

Everything is checked against the JSON Schemas in ``config/schemas`` and cross-checked (every
indicator, dataset, file and folder the configuration names must exist) before any job runs; a
wrong value fails at once with the file, the key and what is allowed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from sozialbericht.core.catalogue import check_placements, deprecated_keys, without_groups
from sozialbericht.core.config_keys import CONFIG_RENAMED, migrate, show_once
from sozialbericht.core.errors import InputError

SCHEMA_DIR = Path("config/schemas")


def load_yaml(path: str | Path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "Konfigurationsdatei nicht gefunden", hint="den Dateinamen prüfen") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            path, "Konfigurationsdatei ist kein UTF-8-Text", where=f"Byte {exc.start}", hint="die Datei als UTF-8 speichern"
        ) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: str | Path = "YAML"):
    """YAML text parsed with libyaml where available (ten times faster); an error is reported with
    the messages of the pure-Python parser, naming the file, line and column."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else None
        raise InputError(
            path,
            f"ungültiges YAML: {getattr(exc, 'problem', exc)}",
            where=where,
            hint="Einrückung mit Leerzeichen (nicht Tabulator), Doppelpunkt nach jedem Schlüssel, Klammern schließen",
        ) from None


def _german(err) -> str:
    """The schema violation in German (jsonschema's own messages are English)."""
    v, value = err.validator, err.validator_value
    shown = repr(err.instance) if not isinstance(err.instance, (dict, list)) else "der Eintrag"
    texts = {
        "pattern": f"{shown} hat nicht die erlaubte Form",
        "type": f"{shown} hat den falschen Typ (erwartet {value})",
        "enum": f"{shown} ist keiner der erlaubten Werte",
        "const": f"{shown} ist nicht der erlaubte Wert",
        "minimum": f"{shown} ist kleiner als {value}",
        "maximum": f"{shown} ist größer als {value}",
        "exclusiveMinimum": f"{shown} muss größer als {value} sein",
        "minLength": f"{shown} ist zu kurz",
        "maxLength": f"{shown} ist zu lang",
        "minItems": f"die Liste braucht mindestens {value} Einträge",
        "maxItems": f"die Liste hat mehr als {value} Einträge",
        "uniqueItems": "die Liste enthält doppelte Einträge",
        "propertyNames": "unzulässiger Schlüsselname",
    }
    if v == "required":
        return "ein Pflichtschlüssel fehlt: " + ", ".join(k for k in value if k not in err.instance)
    if v == "additionalProperties":
        return "unbekannter Schlüssel: " + ", ".join(sorted(k for k in err.instance if k not in err.schema.get("properties", {})))
    return texts.get(v, f"{shown} verletzt die Regel „{v}“")


def check_schema(data, schema_file: str | Path, path: str | Path) -> None:
    """Raise InputError for the first schema violation, naming the key path and what is allowed."""
    schema = load_yaml(schema_file)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        err = errors[0]
        key = ".".join(str(p) for p in err.absolute_path) or "(oberste Ebene)"
        v, value = err.validator, err.validator_value
        allowed = {
            "enum": lambda: "einer von " + ", ".join(map(str, value)),
            "pattern": lambda: f"die Form {value}",
            "minimum": lambda: f"mindestens {value}",
            "maximum": lambda: f"höchstens {value}",
            "type": lambda: f"Typ {value}",
            "additionalProperties": lambda: "nur die Schlüssel " + ", ".join(sorted(err.schema.get("properties", {})))[:300],
            "required": lambda: "die Schlüssel " + ", ".join(value),
        }.get(v, lambda: f"{v} {value!r}")()
        raise InputError(
            path,
            f"ungültiger Konfigurationswert: {_german(err)}",
            where=f"Schlüssel '{key}'",
            found=err.instance if not isinstance(err.instance, (dict, list)) else None,
            expected=allowed,
            hint=f"siehe config/README.md, Schema {Path(schema_file).name}",
        )


@dataclass(frozen=True)
class Project:
    """The checked configuration of one run."""

    config: dict
    datasets: dict
    district_inputs: dict
    catalogue: list
    laender: dict
    plausibility: dict
    districts: dict  # id → complete configuration of every selected district
    district_files: dict  # id → configuration as written in config/districts/<id>.yaml
    counselling: dict | None = None  # the counselling data standard (config/beratung.yaml)
    invalid: dict = field(default_factory=dict)  # id → InputError of a selected district file that fails its check

    @property
    def year(self) -> int:
        return int(self.config["year"])

    def raw_path(self, relative: str) -> Path:
        return Path(self.config["paths"]["raw"]) / relative


def load_district(path: Path, root: Path = Path(".")) -> dict:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            path,
            "die Kreiskonfiguration ist leer oder keine Zuordnung von Schlüsseln",
            expected="Schlüssel wie id, kreis, name",
            hint="config/districts/harz.yaml als Beispiel nehmen",
        )
    check_schema(data, root / SCHEMA_DIR / "district.schema.yaml", path)
    if data["id"] != path.stem:
        raise InputError(
            path,
            "die Kennung passt nicht zum Dateinamen",
            where="Schlüssel 'id'",
            found=data["id"],
            expected=f"„{path.stem}“ (der Dateiname ohne .yaml)",
        )
    if "gemeinde_years" in data:
        first, last = data["gemeinde_years"]
        if first >= last:
            raise InputError(
                path,
                "gemeinde_years muss aufsteigend sein",
                where="Schlüssel 'gemeinde_years'",
                found=data["gemeinde_years"],
                expected="[erstes Jahr, letztes Jahr] mit erstes < letztes",
            )
    data["_file"] = str(path.relative_to(root)) if path.is_absolute() and root.resolve() in path.parents else str(path)
    return data


def boundary_layer(datasets: dict, raw: Path, suffix: str = "KRS") -> Path | None:
    return next(
        (
            raw / Path(f).with_suffix(".dbf")
            for spec in datasets.values()
            if spec["format"] == "vg5000"
            for f in spec["files"]
            if Path(f).stem.upper().endswith(suffix)
        ),
        None,
    )


def _check_named_files(config: dict, root: Path) -> None:
    """Every file and folder the main configuration names exists (the error names the key)."""
    named = [(k, config.get(k), "file") for k in ("datasets", "district_inputs", "indicators", "plausibility", "laender")]
    named.append(("beratung.standard", config.get("beratung", {}).get("standard"), "file"))
    named.append(("report.dir", config.get("report", {}).get("dir"), "folder"))
    for key, value, kind in named:
        if value and not ((root / value).is_file() if kind == "file" else (root / value).is_dir()):
            raise InputError(
                "config/config.yaml",
                f"{'die Datei' if kind == 'file' else 'der Ordner'} {value} fehlt",
                where=f"Schlüssel '{key}'",
                found=value,
                expected=(
                    "eine YAML-Datei unter config/, z. B. config/indicators.yaml"
                    if kind == "file"
                    else "der Ordner der Kapitelvorlagen (report)"
                ),
                hint="den Pfad relativ zum Projektordner prüfen",
            )


def load_project(config: dict, root: Path = Path(".")) -> Project:
    """Check the main config, load every file it refers to and resolve the selected districts.
    Renamed keys of ``config`` are moved to their new names in place (config_keys.CONFIG_RENAMED)."""
    from sozialbericht.core.areas import kreise as read_kreise
    from sozialbericht.core.selection import select

    show_once(migrate(config, CONFIG_RENAMED, "config/config.yaml"))
    check_schema(config, root / SCHEMA_DIR / "config.schema.yaml", "config/config.yaml")
    _check_named_files(config, root)
    datasets = load_yaml(root / config["datasets"])
    check_schema(datasets, root / SCHEMA_DIR / "datasets.schema.yaml", config["datasets"])
    district_inputs = load_yaml(root / config["district_inputs"])
    check_schema(district_inputs, root / SCHEMA_DIR / "district_inputs.schema.yaml", config["district_inputs"])
    catalogue = load_yaml(root / config["indicators"])
    show_once(deprecated_keys(config, catalogue, config["indicators"]))
    catalogue = without_groups(catalogue)
    check_schema(catalogue, root / SCHEMA_DIR / "indicators.schema.yaml", config["indicators"])
    chapters = Path(config.get("report", {}).get("dir", "report")) / "kapitel.yaml"
    check_placements(catalogue, load_yaml(root / chapters)["kapitel"], config["indicators"], str(chapters))
    laender = load_yaml(root / config["laender"])
    check_schema(laender, root / SCHEMA_DIR / "laender.schema.yaml", config["laender"])
    plausibility = load_yaml(root / config["plausibility"])
    check_schema(plausibility, root / SCHEMA_DIR / "plausibility.schema.yaml", config["plausibility"])
    for name, spec in district_inputs.items():
        loose = [k for k in spec.get("key_columns", []) if k not in spec.get("dimensions", [])]
        if loose:
            raise InputError(
                config["district_inputs"],
                "eine Schlüsselspalte ist keine Merkmalsspalte der Vorlage",
                where=f"Schlüssel '{name}.key_columns'",
                found=loose,
                expected="Spalten aus " + (", ".join(spec.get("dimensions", [])) or "'dimensions' (leer)"),
                hint="die Spalte auch unter 'dimensions' nennen",
            )
    counselling = None
    standard = config.get("beratung", {}).get("standard")
    if standard:
        counselling = load_yaml(root / standard)
        check_schema(counselling, root / SCHEMA_DIR / "beratung.schema.yaml", standard)
    for part, known_sets in (("national", datasets), ("district", district_inputs)):
        for name in plausibility[part]:
            if name not in known_sets:
                raise InputError(
                    config["plausibility"],
                    f"unbekannter Datensatz „{name}“",
                    where=f"Schlüssel '{part}.{name}'",
                    found=name,
                    expected="einer von " + ", ".join(sorted(known_sets)),
                )
    seen = set()
    known = sorted({*datasets, *district_inputs})
    for i, ind in enumerate(catalogue):
        if ind["id"] in seen:
            raise InputError(
                config["indicators"],
                "Kennung doppelt vergeben",
                where=f"Eintrag {i + 1}",
                found=ind["id"],
                expected="jede Kennung einmal",
            )
        seen.add(ind["id"])
        for part in ("numerator", "denominator", "subtract"):  # model indicators have none
            if part in ind and ind[part]["dataset"] not in known:
                raise InputError(
                    config["indicators"],
                    "unbekannter Datensatz",
                    where=f"Indikator „{ind['id']}“, Schlüssel '{part}.dataset'",
                    found=ind[part]["dataset"],
                    expected=f"einer von {known}",
                )
    raw = root / config["paths"]["raw"]
    layer = boundary_layer(datasets, raw)
    if layer is None or not layer.exists():
        raise InputError(
            layer or config["datasets"],
            "die Kreisgrenzen (VG5000 Kreise) fehlen; ohne sie lassen sich die Kreise nicht auswählen",
            expected="die Dateien VG5000_KRS.shp, .shx, .dbf, .prj unter data/raw/national/geo/",
            hint="die Dateien aus dem Projektarchiv wiederherstellen",
        )
    kreise = read_kreise(layer)
    files, invalid = {}, {}
    for p in sorted((root / "config" / "districts").glob("*.yaml")):
        try:
            files[p.stem] = load_district(p, root)
        except InputError as err:  # stops this district only (see below)
            invalid[p.stem] = err
    for did, d in list(files.items()):
        if d["kreis"] not in kreise:
            close = sorted(k for k in kreise if k[:2] == d["kreis"][:2])
            invalid[did] = InputError(
                f"config/districts/{did}.yaml",
                f"unbekannter Kreisschlüssel {d['kreis']}",
                where="Schlüssel 'kreis'",
                found=d["kreis"],
                expected="ein Kreisschlüssel der VG5000-Kreise (Gebietsstand 2021)"
                + (f", im Land {d['kreis'][:2]} z. B. {', '.join(close[:8])}" if close else ""),
                hint="`make district KREIS=<Schlüssel>` schreibt die Konfiguration eines Kreises",
            )
            del files[did]
    selectors = [s for s in config["districts"] if s not in invalid]
    districts = select(selectors, files, kreise, config.get("defaults", {})) if selectors else {}
    # a selected district whose file fails is reported as failed; the others run
    failed = {did: err for did, err in invalid.items() if did in config["districts"] or did in districts}
    districts = {did: d for did, d in districts.items() if did not in failed}
    if failed and not districts:
        raise next(iter(failed.values()))
    project = Project(
        config=config,
        datasets=datasets,
        district_inputs=district_inputs,
        catalogue=catalogue,
        laender=laender,
        plausibility=plausibility,
        districts=districts,
        district_files=files,
        counselling=counselling,
        invalid=failed,
    )
    cross_check(project, root)
    return project


def _check_years_and_fields(project: Project) -> None:
    """Years of the main configuration against the report year; benchmark fields and the fields
    indicators select against the standard."""
    cfg, year = project.config, int(project.config["year"])
    checks = [  # key, value, must come after the report year
        ("projection.target_year", cfg["projection"]["target_year"], True),
        ("defaults.base_year", cfg.get("defaults", {}).get("base_year"), False),
    ]
    for key, value, after in checks:
        if value is not None and (value <= year if after else value >= year):
            raise InputError(
                "config/config.yaml",
                f"das Jahr liegt nicht {'nach' if after else 'vor'} dem Berichtsjahr",
                where=f"Schlüssel '{key}'",
                found=value,
                expected=f"ein Jahr {'nach' if after else 'vor'} dem Berichtsjahr {year}",
                hint="den Wert oder das Berichtsjahr (`year`, `make report YEAR=…`) prüfen",
            )
    fields = (project.counselling or {}).get("beratungsfelder")
    for ind in project.catalogue if fields else ():
        for part in ("numerator", "denominator", "subtract"):
            name = ind.get(part, {}).get("where", {}).get("beratungsfeld")
            if name is not None and name not in fields:
                raise InputError(
                    cfg["indicators"],
                    "ein Indikator wählt ein Beratungsfeld, das der Datenstandard nicht kennt",
                    where=f"Indikator „{ind['id']}“, Schlüssel '{part}.where.beratungsfeld'",
                    found=name,
                    expected="eines der Beratungsfelder aus " + str(cfg["beratung"]["standard"]) + ": " + ", ".join(fields),
                    hint="die Schreibweise aus config/beratung.yaml (beratungsfelder) übernehmen",
                )
    for name in cfg.get("beratung", {}).get("richtwerte", {}) if fields else ():
        if name not in fields:
            raise InputError(
                "config/config.yaml",
                "ein Richtwert nennt ein Beratungsfeld, das der Datenstandard nicht kennt",
                where=f"Schlüssel 'beratung.richtwerte.{name}'",
                found=name,
                expected="eines der Beratungsfelder aus " + str(cfg["beratung"]["standard"]) + ": " + ", ".join(fields),
                hint="die Schreibweise aus config/beratung.yaml (beratungsfelder) übernehmen",
            )


def cross_check(project: Project, root: Path = Path(".")) -> None:
    """Everything the configuration names must exist: indicators, Kreise, files and folders."""
    cfg, cat = project.config, {ind["id"] for ind in project.catalogue}
    _check_years_and_fields(project)
    si = cfg.get("social_index")
    if si:
        for key in ("status_indicators", "population_indicator"):
            for ind in [si[key]] if isinstance(si[key], str) else si[key]:
                if ind not in cat:
                    raise InputError(
                        "config/config.yaml",
                        "der Sozialindex nennt einen Indikator, der nicht im Katalog steht",
                        where=f"Schlüssel 'social_index.{key}'",
                        found=ind,
                        expected="eine Kennung aus config/indicators.yaml",
                        hint="Schreibweise prüfen",
                    )
    _check_findings(cfg.get("handlungsbedarfe") or {}, {ind["id"]: ind for ind in project.catalogue})
    for did, d in list(project.districts.items()):
        try:
            _check_district(project, d, cat, root)
        except InputError as err:
            if str(err.file) != d.get("_file") or len(project.districts) < 2:
                raise  # the main configuration (or the only district) stops everything
            project.invalid[did] = err
            del project.districts[did]


def _check_findings(rules: dict, catalogue: dict) -> None:
    """The indicators the rules of the Handlungsbedarfe name are in the catalogue, at their level:
    Gemeinde level for ``kleinraeumig``, Kreis level for ``vergleichskreise`` and ``landestrend``."""
    for key, level in (("kleinraeumig", "gemeinde"), ("vergleichskreise", "kreis"), ("landestrend", "kreis")):
        for ind in (rules.get(key) or {}).get("indikatoren") or []:
            if (catalogue.get(ind) or {}).get("level") != level:
                raise InputError(
                    "config/config.yaml",
                    "eine Regel der Handlungsbedarfe nennt einen Indikator, der nicht im Katalog steht"
                    if ind not in catalogue
                    else f"eine Regel der Handlungsbedarfe nennt einen Indikator der falschen Ebene ({catalogue[ind]['level']})",
                    where=f"Schlüssel 'handlungsbedarfe.{key}.indikatoren'",
                    found=ind,
                    expected=f"eine Kennung aus config/indicators.yaml mit level: {level}",
                    hint="Schreibweise prüfen (siehe config/README.md, handlungsbedarfe)",
                )


def _check_district(project: Project, d: dict, cat: set[str], root: Path) -> None:
    """Everything one district's configuration names exists (errors name its file and key)."""
    cfg = project.config
    source = d.get("_file", "config/config.yaml")
    if d["base_year"] >= cfg["year"]:
        raise InputError(
            source,
            "base_year muss vor dem Berichtsjahr liegen",
            where="Schlüssel 'base_year'",
            found=d["base_year"],
            expected=f"ein Jahr vor {cfg['year']}",
        )
    published = d.get("impressum", {}).get("veroeffentlicht")
    if published:
        try:
            datetime.date.fromisoformat(published)
        except ValueError:
            raise InputError(
                source,
                "das Veröffentlichungsdatum ist kein gültiges Datum",
                where="Schlüssel 'impressum.veroeffentlicht'",
                found=published,
                expected="ein Datum JJJJ-MM-TT, z. B. 2021-11-30",
            ) from None
    kennzahlen = d.get("auf_einen_blick", cfg.get("report", {}).get("auf_einen_blick", []))
    for ind in kennzahlen:
        if ind not in cat:
            raise InputError(
                source if "auf_einen_blick" in d else "config/config.yaml",
                "„Auf einen Blick“ nennt einen Indikator, der nicht im Katalog steht",
                where="Schlüssel 'auf_einen_blick'" if "auf_einen_blick" in d else "Schlüssel 'report.auf_einen_blick'",
                found=ind,
                expected="eine Kennung aus config/indicators.yaml, z. B. arbeitslosenquote, altenquotient",
            )
    for i, t in enumerate(d.get("targets", [])):
        if t["indicator"] not in cat:
            raise InputError(
                source,
                "ein Ziel nennt einen Indikator, der nicht im Katalog steht",
                where=f"Schlüssel 'targets', Eintrag {i + 1}",
                found=t["indicator"],
                expected="eine Kennung aus config/indicators.yaml, z. B. arbeitslosenquote, kl_kinderarmut",
            )
    _check_areas(d, source)
    if "small_area_data" in d:
        folder = root / cfg["paths"]["raw"] / d["small_area_data"]["folder"]
        if not folder.is_dir():
            raise InputError(
                source,
                f"der Ordner der kleinräumigen Daten fehlt: {folder}",
                where="Schlüssel 'small_area_data.folder'",
                found=d["small_area_data"]["folder"],
                expected="ein Ordner unter data/raw/ mit den Dateien nach Vorlage",
                hint="`.venv/bin/sozialbericht beispieldaten <id>` erzeugt Beispieldaten; sonst small_area_data entfernen",
            )
    texts = d.get("texte", {})
    for path in text_files(texts):
        if not (root / path).is_file():
            raise InputError(
                source,
                f"die Textdatei fehlt: {path}",
                where="Schlüssel 'texte'",
                found=path,
                expected="eine Markdown-Datei, Pfad relativ zum Projektordner",
            )


def text_files(texts: dict) -> list[str]:
    """The Markdown files a district's ``texte`` names: foreword, replaced and own chapters."""
    return [
        *([texts["vorwort"]] if texts.get("vorwort") else []),
        *texts.get("ersetzen", {}).values(),
        *(k["datei"] for k in texts.get("kapitel", [])),
        *texts.get("einschaetzungen", {}).values(),
        *(s["datei"] for s in texts.get("stellungnahmen", [])),
    ]


def _check_areas(district: dict, source: str) -> None:
    """Sozialräume and territorial changes refer to Gemeinden of this Kreis, each Gemeinde in at
    most one Sozialraum, every Sozialraum id once (whether a Gemeinde still exists is checked
    against the Gemeindeverzeichnis when the district is built)."""
    kreis, seen, ids = district["kreis"], {}, set()
    for i, sr in enumerate(district.get("sozialraeume", [])):
        where = f"Schlüssel 'sozialraeume', Eintrag {i + 1} ({sr['id']})"
        if sr["id"] in ids:
            raise InputError(
                source,
                f"die Sozialraum-Kennung „{sr['id']}“ kommt doppelt vor",
                where=where,
                found=sr["id"],
                expected="eine eigene Kennung je Sozialraum",
            )
        ids.add(sr["id"])
        foreign = [g for g in sr["gemeinden"] if not g.startswith(kreis)]
        if foreign:
            raise InputError(
                source,
                f"Sozialraum „{sr['id']}“ nennt Gemeinden außerhalb des Kreises {kreis}",
                where=where,
                found=foreign[:5],
                expected=f"zwölfstellige ARS, die mit dem Kreisschlüssel {kreis} beginnen",
                hint="Tippfehler im Schlüssel prüfen; die ARS stehen im Gemeindeverzeichnis (GV-ISys)",
            )
        for g in sr["gemeinden"]:
            if g in seen:
                raise InputError(
                    source,
                    f"die Gemeinde {g} gehört zu zwei Sozialräumen („{seen[g]}“ und „{sr['id']}“)",
                    where=where,
                    found=g,
                    expected="jede Gemeinde in höchstens einem Sozialraum",
                    hint="die Gemeinde aus einem der beiden Sozialräume entfernen",
                )
            seen[g] = sr["id"]
    # a former Gemeinde may carry the key of a Kreis merged into this one (`former_kreise`); the
    # receiving Gemeinde is always one of this Kreis
    former = [kreis, *district.get("former_kreise", [])]
    for i, change in enumerate(district.get("territorial_changes", [])):
        foreign = [change["from"]] if not change["from"].startswith(tuple(former)) else []
        foreign += [change["to"]] if not change["to"].startswith(kreis) else []
        if foreign:
            raise InputError(
                source,
                f"eine Gebietsänderung nennt eine Gemeinde außerhalb des Kreises {kreis}",
                where=f"Schlüssel 'territorial_changes', Eintrag {i + 1}",
                found=foreign,
                expected=f"für 'from' eine ARS, die mit {' oder '.join(former)} beginnt, für 'to' eine mit {kreis}",
                hint="Tippfehler im Schlüssel prüfen; stammt die frühere Gemeinde aus einem aufgelösten Kreis, "
                "dessen Schlüssel unter former_kreise eintragen (`sozialbericht kreis-anlegen` tut das)",
            )
