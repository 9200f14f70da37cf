"""``sozialbericht kreis-anlegen``: a commented district configuration from the national data.

Everything is derived from the files the project ships: names and kind from the BKG boundaries,
the Gemeinde years and every territorial change of the Kreis's Gemeinden from the GV-ISys
directories (with the evidence as a comment, uncertain ones marked for review).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialbericht.core.areas import LAENDER, district_ids
from sozialbericht.core.areas import kreise as read_kreise
from sozialbericht.core.errors import InputError
from sozialbericht.core.territory import ags_of, derive_changes, prefix, successors
from sozialbericht.ingest.staging import stage_table


def _q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def gemeinde_population(directory: pd.DataFrame) -> pd.DataFrame:
    """The Gemeinde population rows of the staged GV-ISys table (selected once for many Kreise)."""
    return directory[(directory["area_level"] == "gemeinde") & (directory["variable"] == "bevoelkerung")]


def kreis_changes(population: pd.DataFrame, changes: pd.DataFrame, kreis: str) -> tuple[list[dict], list[int]]:
    """The changes that concern the Kreis's Gemeinden (those whose territory is now in the Kreis, or
    which were in the Kreis), and the directory years in which the Kreis has Gemeinden.
    ``population``: the Gemeinde population rows of every directory (`gemeinde_population`)."""
    periods = sorted(population["period"].unique())
    gem = population[prefix(population["area_id"]) == kreis]
    own_periods = sorted(gem["period"].unique())
    if not own_periods:
        raise InputError(
            "GV-ISys",
            f"der Kreis {kreis} hat in keinem Gemeindeverzeichnis Gemeinden",
            found=kreis,
            expected="einen Kreisschlüssel der Regionalstatistik",
        )
    last = own_periods[-1]
    current = {ags_of(a) for a in gem[gem["period"] == last]["area_id"]}
    related = changes[
        changes["to_ars"].map(ags_of).isin(current)
        | (prefix(changes["from_ars"]) == kreis)
        | (prefix(changes["to_ars"]) == kreis)
    ]
    # chains: a Gemeinde that went into one that later went into a current one
    while True:
        more = changes[changes["to_ars"].isin(related["from_ars"])]
        grown = pd.concat([related, more]).drop_duplicates(["period_from", "from_ars"])
        if len(grown) == len(related):
            break
        related = grown
    changes = related
    succ = successors(changes, [p for p in periods if p <= last])
    rows = []
    for r in changes[changes["period_to"] <= last].itertuples(index=False):
        target = succ.get((r.period_from, ags_of(r.from_ars)), ags_of(r.to_ars) if r.to_ars else "")
        if target in current or (not r.to_ars and r.from_ars[:5] == kreis):
            rows.append(r._asdict())
    years = sorted({int(p[:4]) for p in periods if p <= last})
    return rows, years


def district_yaml(
    kreis: str, datasets: dict, raw: Path, layer: Path | None, defaults: dict, year: int, check=None
) -> tuple[str, str]:
    """The text of the district file and the district id (reads the boundaries and GV-ISys).
    ``check(district_id)`` runs before the directories are read (e.g. refuse to overwrite a file),
    so that a refusal or an unknown key costs no staging."""
    if layer is None or not layer.exists():
        raise InputError(layer or "config/datasets.yaml", "die Kreisgrenzen (VG5000) fehlen")
    all_kreise = read_kreise(layer)
    ids = district_ids(all_kreise)
    _known(kreis, all_kreise)
    if check:
        check(ids[kreis])
    name = next(n for n, s in datasets.items() if s["format"] == "gvisys")
    directory = stage_table(datasets[name], [raw / f for f in datasets[name]["files"]])
    changes, _ = derive_changes(directory)
    return district_text(kreis, all_kreise, gemeinde_population(directory), changes, defaults, ids)


def _known(kreis: str, all_kreise: dict) -> None:
    if kreis not in all_kreise:
        raise InputError(
            "kreis-anlegen",
            f"unbekannter Kreisschlüssel {kreis}",
            found=kreis,
            expected="einen fünfstelligen Kreisschlüssel der Regionalstatistik (Gebietsstand 2021), z. B. 15085 (Harz)",
        )


def district_text(
    kreis: str,
    all_kreise: dict,
    population: pd.DataFrame,
    changes: pd.DataFrame,
    defaults: dict,
    ids: dict[str, str] | None = None,
) -> tuple[str, str]:
    """The commented district file of one Kreis from the Kreise, the Gemeinde population rows of the
    staged GV-ISys table (`gemeinde_population`), its derived changes and optionally the district
    ids of all Kreise (`district_ids`, computed when not given)."""
    _known(kreis, all_kreise)
    k = all_kreise[kreis]
    district_id = (ids or district_ids(all_kreise))[kreis]
    rows, years = kreis_changes(population, changes, kreis)
    gem = population[prefix(population["area_id"]) == kreis]
    last = gem["period"].max()
    n_gem = gem[gem["period"] == last]["area_id"].nunique()
    lines = [
        f"# Kreiskonfiguration: {k.name} ({LAENDER.get(k.land, k.land)}), Kreisschlüssel {kreis}.",
        f"# Erzeugt von `sozialbericht kreis-anlegen {kreis}` aus den bundesweiten Daten des Projekts",
        "# (Verwaltungsgrenzen VG5000, Gemeindeverzeichnis GV-ISys). Jeder Schlüssel ist in",
        "# config/README.md beschrieben; Werte, die hier fehlen, kommen aus config/config.yaml (defaults).",
        "",
        "# Kennung: Ordnername des Berichts (reports/<id>/<Jahr>/).",
        f"id: {district_id}",
        "# Kreisschlüssel (fünfstellig, in Anführungszeichen).",
        f"kreis: {_q(kreis)}",
        f"# Amtlicher Name und seine Formen im Satz (Art: {k.typ}); bei Bedarf anpassen, z. B. für den Titel der Stadt.",
        f"name: {_q(k.name)}",
        f"name_in: {_q(k.name_in)}",
        f"name_des: {_q(k.name_des)}",
        f"typ: {_q(k.typ)}",
        "# Sitz der Verwaltung (Titelseite) – bitte eintragen:",
        "# sitz: …",
        "# Impressum der Titelseite (Herausgeber ohne Angabe: Name und Sitz des Kreises):",
        "# impressum:",
        "#   herausgeber: …, Der Landrat",
        "#   fachdienst: Fachdienst Sozialplanung",
        "#   anschrift: …",
        "#   kontakt: sozialplanung@…",
        "#   veroeffentlicht: JJJJ-MM-TT",
        "# Vorwort (Markdown-Datei, Pfad relativ zum Projektordner):",
        "# texte:",
        "#   vorwort: config/texte/<id>/vorwort.md",
        "# Erstes Jahr der Veränderungsraten auf Kreisebene (muss vor dem Berichtsjahr liegen).",
        f"base_year: {defaults.get('base_year', 2015)}",
        f"# Gemeindeverzeichnisse von {years[0]} bis {years[-1]}: die Gemeindereihen; Gebietsstand ist das neueste",
        f"# ({n_gem} Gemeinden am {last[8:10]}.{last[5:7]}.{last[:4]}).",
        f"gemeinde_years: [{years[0]}, {years[-1]}]",
        "# Versionsbezeichnung auf der Titelseite (beim Neuveröffentlichen erhöhen).",
        f"version: {_q(defaults.get('version', '1'))}",
    ]
    real = [r for r in rows if r["kind"] != "Schlüsseländerung"]
    former = sorted({r["from_ars"][:5] for r in real if r["to_ars"] and r["from_ars"][:5] != kreis})
    if former:
        lines += [
            "# Schlüssel früherer Kreise, deren Gemeinden heute zu diesem Kreis gehören (Kreisreform).",
            "former_kreise: [" + ", ".join(_q(k) for k in former) + "]",
        ]
    if real:
        lines += [
            "",
            f"# Gebietsänderungen der Gemeinden zwischen {years[0]} und {years[-1]}, abgeleitet aus dem",
            "# Gemeindeverzeichnis (Fläche und Einwohnerzahl der aufnehmenden Gemeinde). Die Werte früherer Jahre",
            "# werden der aufnehmenden Gemeinde zugerechnet. Mit „UNSICHER“ markierte Einträge bitte anhand der",
            "# Gebietsänderungslisten von Destatis prüfen; ein Eintrag hier gilt vor der abgeleiteten Zuordnung.",
            "territorial_changes:",
        ]
        for r in real:
            if not r["to_ars"]:
                lines += [
                    f"  # UNGEKLÄRT: {r['from_name']} ({r['from_ars']}) – keine passende Gemeinde gefunden. Kandidaten: {r['alternatives']}",
                    f'  # - {{from: {_q(r["from_ars"])}, to: "<ARS der aufnehmenden Gemeinde>"}}',
                ]
                continue
            head = "UNSICHER – bitte prüfen: " if not r["certain"] else ""
            people = f"{int(r['population_from']):,}".replace(",", ".")
            lines.append(
                f"  # {head}{r['from_name']} → {r['to_name']} ({r['kind']} zwischen {r['period_from'][:4]} und "
                f"{r['period_to'][:4]}; {people} Einwohner)"
            )
            lines.append(f"  # Beleg: {r['evidence']}")
            if not r["certain"] and r["alternatives"]:
                lines.append(f"  # Alternative: {r['alternatives']}")
            note = f"{r['from_name']} → {r['to_name']} ({r['kind']}, abgeleitet aus GV-ISys)"
            lines.append(f"  - {{from: {_q(r['from_ars'])}, to: {_q(r['to_ars'])}, note: {_q(note[:300])}}}")
    else:
        lines += ["", f"# Keine Gebietsänderungen der Gemeinden zwischen {years[0]} und {years[-1]}."]
    lines += [
        "",
        "# Eigene kleinräumige Daten (Melderegister, Jobcenter, Beratungsstellen), sobald sie vorliegen:",
        "# small_area_data: {folder: " + district_id + ", synthetic: false}",
        "# Sozialräume, Ziele, eigene Texte: siehe config/README.md und config/districts/harz.yaml.",
        "",
    ]
    return "\n".join(lines), district_id
