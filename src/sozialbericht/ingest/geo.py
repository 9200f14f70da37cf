"""Reader for BKG VG5000 administrative boundaries (ESRI shapefile), reprojected for maps."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import shapefile
from pyproj import CRS, Transformer

from sozialbericht.core.errors import InputError

#: Target CRS of every map: ETRS89 / UTM zone 32N, the official CRS of German geodata.
MAP_CRS = "EPSG:25832"
_LEVEL = {"GEM": "gemeinde", "KRS": "kreis", "LAN": "land"}


def read_vg5000(path: str | Path, prefix: str = "") -> dict:
    """Read a VG5000 layer (``.shp`` path or basename) as a GeoJSON FeatureCollection in EPSG:25832.

    Water-only areas (``GF`` 1 and 2: sea and lakes without a Gemeinde) are dropped; features
    are filtered to ARS values starting with ``prefix``. Coordinates are rounded to whole metres so
    that the output is deterministic and small. Properties: ``area_id`` (ARS), ``ags``,
    ``area_name`` (GEN), ``bez`` (BEZ), ``area_level``.
    """
    shp = Path(path).with_suffix(".shp")
    for ext in (".shp", ".shx", ".dbf", ".prj"):
        if not shp.with_suffix(ext).exists():
            raise InputError(
                shp.with_suffix(ext),
                "Teil der Shapefile fehlt",
                expected="die Dateien .shp, .shx, .dbf und .prj der VG5000-Ebene im selben Ordner",
            )
    try:
        src_crs = CRS.from_wkt(shp.with_suffix(".prj").read_text(encoding="latin-1"))
    except Exception as exc:  # pyproj raises its own CRSError subclasses
        raise InputError(
            shp.with_suffix(".prj"), f"Projektion nicht lesbar ({exc})", expected="eine Projektion im WKT-Format"
        ) from None
    transform = Transformer.from_crs(src_crs, MAP_CRS, always_xy=True).transform
    level = next((lvl for key, lvl in _LEVEL.items() if shp.stem.upper().endswith(key)), "unbekannt")
    features = []
    try:
        with warnings.catch_warnings(), shapefile.Reader(str(shp), encoding="utf-8") as reader:
            warnings.simplefilter("ignore")  # a damaged header is reported as an error below
            fields = [f[0] for f in reader.fields[1:]]
            for name in ("ARS", "AGS", "GEN", "BEZ", "GF"):
                if name not in fields:
                    raise InputError(
                        shp.with_suffix(".dbf"),
                        "Attribut fehlt",
                        column=name,
                        found=fields,
                        expected="die VG5000-Attribute ARS, AGS, GEN, BEZ, GF",
                    )
            for n, rec in enumerate(reader.iterRecords()):
                if rec["GF"] in (1, 2) or not str(rec["ARS"]).startswith(prefix):
                    continue
                shape = reader.shape(n)
                bounds = list(shape.parts) + [len(shape.points)]
                rings = []
                for a, b in zip(bounds[:-1], bounds[1:]):
                    xs, ys = zip(*shape.points[a:b])
                    tx, ty = transform(xs, ys)
                    rings.append([[round(x), round(y)] for x, y in zip(tx, ty)])
                features.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "area_id": str(rec["ARS"]),
                            "ags": str(rec["AGS"]),
                            "area_name": rec["GEN"],
                            "bez": rec["BEZ"],
                            "area_level": level,
                        },
                        "geometry": {
                            "type": "Polygon" if len(rings) == 1 else "MultiPolygon",
                            "coordinates": rings if len(rings) == 1 else [[ring] for ring in rings],
                        },
                    }
                )
    except (shapefile.ShapefileException, struct.error, ValueError, OSError) as exc:
        raise InputError(
            shp,
            f"beschädigte Shapefile ({exc})",
            expected="eine lesbare ESRI-Shapefile",
            hint="die Ebene erneut kopieren bzw. herunterladen",
        ) from None
    if not features:
        raise InputError(
            shp, "keine passenden Gebiete", found=prefix, expected="mindestens ein Gebiet mit diesem Schlüsselanfang"
        )
    features.sort(key=lambda f: f["properties"]["area_id"])
    return {"type": "FeatureCollection", "crs": MAP_CRS, "features": features}
