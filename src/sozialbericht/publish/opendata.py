"""Open data beside the report: the Gemeinden with their values as GeoJSON and a DCAT-AP.de
description (JSON-LD) of the published files, so that a Kreis can put them on its open data
portal or harvest them into GovData.

Both files are deterministic (no clock time): the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from pyproj import Transformer

from sozialbericht.compute.changes import read_indicators
from sozialbericht.core.checksums import sha256

#: DCAT-AP.de licence URIs of the licences the sources name (config/datasets.yaml `licence`).
LICENCES = {
    "dl-de/by-2-0": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
    "dl-de/zero-2-0": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0",
    "cc-by-4.0": "http://dcat-ap.de/def/licenses/cc-by/4.0",
}
#: File type (EU vocabulary) and media type of each published file.
FORMATS = {
    ".csv": ("CSV", "text/csv"),
    ".xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".geojson": ("GEOJSON", "application/geo+json"),
    ".html": ("HTML", "text/html"),
    ".pdf": ("PDF", "application/pdf"),
    ".md": ("MARKDOWN", "text/markdown"),
}
EU = "http://publications.europa.eu/resource/authority"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _dump(obj, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _latest(indicators: pd.DataFrame, level: str) -> dict[str, pd.DataFrame]:
    """Indicator id → its rows of one area level at the newest reference date, by area."""
    d = indicators[indicators["area_level"] == level]
    out = {}
    for ind_id, rows in d.groupby("indicator_id", sort=False):
        out[ind_id] = rows[rows["period"] == rows["period"].max()].set_index("area_id")
    return out


def gemeinden_geojson(boundaries: Path, indicators_csv: Path, catalogue: list[dict], path: Path) -> Path:
    """The district's Gemeinden (staged geometry, EPSG:25832) as RFC 7946 GeoJSON (WGS 84,
    longitude/latitude) with every Gemeinde indicator at its newest reference date as a property
    (null and ``<id>_zeichen`` where the source has a marker or the value is suppressed), and a
    foreign member ``indikatoren`` with name, unit, date, source and the synthetic flag per id."""
    df = read_indicators(indicators_csv)
    latest = _latest(df, "gemeinde")
    cat = {c["id"]: c for c in catalogue}
    ids = [i for i in cat if i in latest]
    geo = json.loads(Path(boundaries).read_text(encoding="utf-8"))
    to_wgs84 = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform

    def ring(points):
        xs, ys = zip(*points)
        lon, lat = to_wgs84(list(xs), list(ys))
        return [[round(x, 6), round(y, 6)] for x, y in zip(lon, lat)]

    def reproject(geometry):
        rings = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in rings]}
        return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in rings]}

    features = []
    gemeinden = [f for f in geo["features"] if f["properties"].get("area_level", "gemeinde") == "gemeinde"]
    for f in sorted(gemeinden, key=lambda f: f["properties"]["area_id"]):
        ars = f["properties"]["area_id"]
        props = {"ars": ars, "ags": f["properties"].get("ags", ""), "name": f["properties"]["area_name"]}
        for i in ids:
            rows = latest[i]
            value = rows.at[ars, "value"] if ars in rows.index else float("nan")
            props[i] = None if pd.isna(value) else round(float(value), 6)
            if ars in rows.index and rows.at[ars, "flag"]:
                props[f"{i}_zeichen"] = rows.at[ars, "flag"]
            if ars in rows.index:
                props |= _interval(rows.loc[ars], i)
        features.append({"type": "Feature", "properties": props, "geometry": reproject(f["geometry"])})
    meta = {
        i: {
            "name": cat[i]["name"],
            "einheit": cat[i]["unit"],
            "stichtag": str(latest[i]["period"].iloc[0]),
            "quelle": cat[i]["source"],
            "synthetisch": bool((latest[i]["synthetic"].astype(str) == "True").any()),
        }
        for i in ids
    }
    return _dump({"type": "FeatureCollection", "indikatoren": meta, "hinweise": SUFFIXES, "features": features}, path)


#: What the suffixed properties of a Gemeinde mean (foreign member ``hinweise`` of the GeoJSON).
SUFFIXES = {
    "_zeichen": "Zeichen der amtlichen Statistik statt eines Wertes (z. B. . geheim gehalten)",
    "_untergrenze": "untere Grenze des 95-%-Intervalls der Quote (Wilson bzw. exakt nach Poisson)",
    "_obergrenze": "obere Grenze des 95-%-Intervalls der Quote",
    "_vergleich": "höher / ähnlich / niedriger als der Wert des Kreises zum selben Stichtag (95-%-Intervall)",
}


def _interval(row: pd.Series, indicator: str) -> dict:
    """The 95 % interval and the flag against the Kreis of one Gemeinde value, where it has them."""
    out = {}
    for column, suffix in (("lower", "_untergrenze"), ("upper", "_obergrenze")):
        if column in row.index and pd.notna(row[column]):
            out[indicator + suffix] = round(float(row[column]), 6)
    if "comparison" in row.index and row["comparison"]:
        out[indicator + "_vergleich"] = row["comparison"]
    return out


def _licence_text(sources: dict) -> str:
    return "; ".join(dict.fromkeys(s["attribution"].rstrip(".") for s in sources.values() if s.get("attribution")))


def _contact(publisher: str, contact: str) -> dict:
    point = {"@type": "vcard:Organization", "vcard:fn": publisher}
    mail = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", contact or "")
    if mail:
        point["vcard:hasEmail"] = {"@id": f"mailto:{mail.group(0)}"}
    return point


def _title(name: str) -> str:
    """A distribution's title: its file name; a provider's receipt says what it is."""
    if name.startswith("traeger/"):
        return f"Datenquittung des Trägers {Path(name).stem} ({Path(name).suffix[1:].upper()})"
    if name.startswith("beteiligung/"):
        return f"Rückmeldung zur Gewichtung des Sozialindex an {Path(name).stem} ({Path(name).suffix[1:].upper()})"
    return name


def dcat(context: dict, metadata: dict, files: dict[str, Path], path: Path) -> Path:
    """DCAT-AP.de (JSON-LD) of the published files: a dataset "Indikatoren" (CSV, XLSX, GeoJSON)
    and a dataset "Bericht" (HTML, PDF, Markdown), each with publisher, contact, the Kreis as
    political geocoding, the period covered, theme, language, and per file format, media type,
    size, SHA-256, licence (``impressum.lizenz_id``, default dl-de/by-2-0) and the attribution of
    every source. Download addresses are ``impressum.url`` of the district config + file name, else
    the file name alone."""
    d, year = context["district"], int(context["year"])
    own = d.get("impressum", {})
    base = own.get("url", "")
    base = base if not base or base.endswith("/") else base + "/"
    publisher = own.get("herausgeber") or metadata.get("herausgeber") or d["name"]
    licence = {"@id": LICENCES[own.get("lizenz_id", "dl-de/by-2-0")]}
    attribution = _licence_text(context.get("sources", {}))
    kreis = d["kreis"]
    key = f"{d['id']}-{year}"
    common = {
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": publisher},
        "dcat:contactPoint": _contact(publisher, own.get("kontakt", "")),
        "dct:spatial": {"@id": f"http://dcat-ap.de/def/politicalGeocoding/districtKey/{kreis}"},
        "dcatde:politicalGeocodingLevelURI": {"@id": "http://dcat-ap.de/def/politicalGeocodingLevel/administrativeDistrict"},
        "dcatde:politicalGeocodingURI": {"@id": f"http://dcat-ap.de/def/politicalGeocoding/districtKey/{kreis}"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{d.get('base_year', year)}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{year}-12-31", "@type": "xsd:date"},
        },
        "dcat:theme": [{"@id": f"{EU}/data-theme/SOCI"}, {"@id": f"{EU}/data-theme/REGI"}],
        "dct:language": {"@id": f"{EU}/language/DEU"},
        "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/ANNUAL"},
        "dcat:keyword": ["Sozialbericht", "Sozialplanung", d["name"], str(year)],
        "dcatde:licenseAttributionByText": attribution,
    }
    synthetic = context.get("synthetic")
    note = (
        " Die kleinräumigen Werte (Gemeinden, Sozialräume) beruhen auf synthetischen Beispieldaten und sind keine amtlichen Angaben."
        if synthetic
        else ""
    )
    groups = {
        "indikatoren": (
            f"Indikatoren zum Sozialbericht {d['name']} {year}",
            f"Indikatoren der Sozialplanung {d.get('name_des', d['name'])} im Vergleich mit Land und Deutschland und "
            f"für seine Gemeinden und Sozialräume (Bevölkerung, Arbeitsmarkt, SGB II, Pflege, Beratung), Berichtsjahr "
            f"{year}; als Tabelle (CSV, XLSX) und mit den Gemeindegrenzen (GeoJSON).{note}",
            [".csv", ".xlsx", ".geojson"],
        ),
        "bericht": (
            metadata.get("title", f"Sozialbericht {d['name']} {year}"),
            f"Der Sozialbericht {d['name']} {year} mit Karten, Sozialindex, Bevölkerungsprognose und "
            f"Handlungsbedarfen. {metadata.get('datenstand', '')}.{note}",
            [".html", ".pdf", ".md"],
        ),
    }
    graph = []
    for group, (title, description, suffixes) in groups.items():
        distributions = []
        for name, src in sorted(files.items()):
            if Path(name).suffix not in suffixes:
                continue
            file_type, media = FORMATS[Path(name).suffix]
            distributions.append(
                {
                    "@id": f"{base}{name}" if base else f"#{key}-{name}",
                    "@type": "dcat:Distribution",
                    "dct:title": _title(name),
                    "dcat:accessURL": {"@id": f"{base}{name}" if base else name},
                    "dcat:downloadURL": {"@id": f"{base}{name}" if base else name},
                    "dct:format": {"@id": f"{EU}/file-type/{file_type}"},
                    "dcat:mediaType": media,
                    "dcat:byteSize": {"@value": str(Path(src).stat().st_size), "@type": "xsd:decimal"},
                    "spdx:checksum": {
                        "@type": "spdx:Checksum",
                        "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
                        "spdx:checksumValue": sha256(src),
                    },
                    "dct:license": licence,
                    "dcatde:licenseAttributionByText": attribution,
                }
            )
        graph.append(
            {
                "@id": f"{base}#{key}-{group}" if base else f"#{key}-{group}",
                "@type": "dcat:Dataset",
                "dct:identifier": f"{key}-{group}",
                "dct:title": title,
                "dct:description": description,
                **common,
                "dcat:distribution": distributions,
            }
        )
    return _dump({"@context": CONTEXT, "@graph": graph}, path)
